"""Fit the baseline's free parameters to a backcast, with Optuna (resumable).

Objective (smaller is better), summed over the fit years, each term a squared error
divided by its tolerance squared (:data:`TOLERANCES`):

- each country's growth of resident filings since the start year: mean squared error
  of the log growth over the countries that report in both years (the mechanisms'
  test: the start year's levels are initial conditions read by the loader);
- each country's resident filings in the fit year: mean squared log error, after one
  common level factor that is profiled out (it becomes the scale of
  ``kinds.PATENT_RATE``), with a looser tolerance (it mixes the loader's initial
  conditions with the dynamics);
- the Gini of filings across those countries and the top-five share;
- the elasticity of ln filings per million to ln GDP per capita;
- growth since the start year in the world and in the high, upper-middle and
  lower-middle income groups (log ratio; the low-income group has four reporting
  countries and is reported, not fitted).

The free parameters (:data:`PARAMETERS`) are mechanism parameters, few and bounded; no
country gets a parameter of its own. ``expertise_filing_elasticity`` is deliberately not
free: in a baseline, expertise stays at rest, so a backcast cannot identify it, and an
optimiser only uses it to stretch the start year's cross-section (which the loader's
initial conditions should carry), at the price of inflating every training effect.
``rd_income_elasticity`` is estimated directly, from the cross-section of R&D intensity
against GDP per capita in the same data (docs/CALIBRATION.md), not fitted to filings:
left free, it drifts to about 0.16, which would put a rich country's R&D at 0.4% of GDP.
The Bass coefficients ``bass_p`` and ``bass_q`` are not free either: once the filing
propensity of unaware organisations is fitted (close to that of aware ones), the backcast
barely depends on them (a first calibration with them free moved the in-sample objective
by less than 10% and did worse out of sample), so they keep their published priors.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ipsim.calibration.backcast import Backcast, BackcastResult
from ipsim.calibration.targets import Statistics, statistics
from ipsim.errors import IpsimError

PARAMETERS: dict[str, tuple[float, float, bool]] = {
    "filing_elasticity": (0.1, 1.5, False),
    "unaware_filing_factor": (0.05, 1.0, False),
}
"""Free parameters (``dynamics.*``): name -> (low, high, log scale)."""

TOLERANCES = {
    "growth_error": 0.5,
    "log_error": 1.0,
    "gini": 0.03,
    "top5": 0.03,
    "elasticity": 0.15,
    "growth": 0.2,
}
"""Scale of each term of the objective (the error counted as one unit of loss)."""

OBJECTIVE_VERSION = 9
"""Part of the study name: a changed objective starts a new study."""

FITTED_GROUPS = ("World", "High income", "Upper middle income", "Lower middle income")


@dataclass
class Fit:
    """How one backcast compares with the data.

    Attributes:
        loss: The objective.
        scale: The profiled level factor on resident filings.
        terms: Loss by term and year.
        simulated: Statistics of the simulation by year.
        observed: Statistics of the data by year.
    """

    loss: float
    scale: float
    terms: dict[str, float] = field(default_factory=dict)
    simulated: dict[int, Statistics] = field(default_factory=dict)
    observed: dict[int, Statistics] = field(default_factory=dict)


@dataclass
class CalibrationResult:
    """The outcome of a calibration.

    Attributes:
        params: Best parameters (``dynamics.*`` values).
        fit: The best backcast's comparison with the data.
        trials: Trials completed in the study.
        fit_years: Years fitted.
        start_year: Year of the initial world.
        folder: The data folder.
        study: Name of the Optuna study.
        storage: Its storage URL.
        backcast: The best backcast's filings (through the last year of the data).
        source: The backcast that produced them (its world and data).
    """

    params: dict[str, float]
    fit: Fit
    trials: int
    fit_years: tuple[int, ...]
    start_year: int
    folder: str
    study: str
    storage: str
    backcast: BackcastResult | None = None
    source: Backcast | None = None


class Evaluator:
    """Compare backcasts with the data on the panel of reporting countries."""

    def __init__(self, backcast: Backcast, fit_years: tuple[int, ...]):
        self.backcast = backcast
        self.fit_years = tuple(fit_years)
        codes = list(backcast.world.codes)
        data = backcast.data
        self.codes = codes
        self.base = data.panel("patents_resident", codes, backcast.start_year)
        self.observed = {y: data.panel("patents_resident", codes, y) for y in backcast.years}
        self.population = {y: data.panel("population", codes, y) for y in backcast.years}
        self.gdp = {y: data.panel("gdp_per_capita", codes, y) for y in backcast.years}
        self.income = backcast.world.income

    def panel(self, year: int) -> np.ndarray:
        """Countries reporting filings in the start year and in ``year``."""
        return (self.base > 0) & (self.observed[year] > 0)

    def scale(self, result: BackcastResult, years: tuple[int, ...]) -> float:
        """The common level factor: geometric mean of observed over simulated."""
        logs = []
        for y in (self.backcast.start_year, *years):
            ok = self.panel(y) & (result.at(y) > 0)
            logs.append(np.log(self.observed[y][ok]) - np.log(result.at(y)[ok]))
        return float(np.exp(np.mean(np.concatenate(logs))))

    def evaluate(self, result: BackcastResult, years: tuple[int, ...] | None = None) -> Fit:
        """Terms for ``years`` (default: the fit years); the loss sums the fit years'."""
        years = self.fit_years if years is None else tuple(years)
        scale = self.scale(result, self.fit_years)
        fit = Fit(loss=0.0, scale=scale)
        start = self.backcast.start_year
        for y in (start, *(int(y) for y in years)):
            ok = self.panel(y)
            sim = result.at(y) * scale
            obs = self.observed[y]
            sim_base = result.at(start) * scale
            fit.simulated[y] = statistics(
                sim[ok], sim_base[ok], self.population[y][ok], self.gdp[y][ok], self.income[ok]
            )
            fit.observed[y] = statistics(
                obs[ok], self.base[ok], self.population[y][ok], self.gdp[y][ok], self.income[ok]
            )
            if y == start:
                continue
            s, o = fit.simulated[y], fit.observed[y]
            err = np.mean((np.log(sim[ok]) - np.log(obs[ok])) ** 2)
            fit.terms[f"log_error_{y}"] = float(err / TOLERANCES["log_error"] ** 2)
            growth_err = np.mean(
                (np.log(sim[ok] / sim_base[ok]) - np.log(obs[ok] / self.base[ok])) ** 2
            )
            fit.terms[f"growth_error_{y}"] = float(growth_err / TOLERANCES["growth_error"] ** 2)
            for name in ("gini", "top5", "elasticity"):
                diff = getattr(s, name) - getattr(o, name)
                fit.terms[f"{name}_{y}"] = float((diff / TOLERANCES[name]) ** 2)
            for group in FITTED_GROUPS:
                if not (s.growth[group] > 0 and o.growth[group] > 0):
                    continue  # no reporting country in the group
                diff = math.log(s.growth[group]) - math.log(o.growth[group])
                fit.terms[f"growth_{group}_{y}"] = float((diff / TOLERANCES["growth"]) ** 2)
        fit.loss = float(
            sum(v for k, v in fit.terms.items() if int(k.rsplit("_", 1)[1]) in self.fit_years)
        )
        return fit


def _suggest(trial: object) -> dict[str, float]:
    return {
        name: trial.suggest_float(name, lo, hi, log=log)  # type: ignore[attr-defined]
        for name, (lo, hi, log) in PARAMETERS.items()
    }


def calibrate(
    folder: str | Path,
    trials: int = 60,
    fit_years: tuple[int, ...] = (2005,),
    start_year: int = 2000,
    end_year: int = 2010,
    out: str | Path | None = None,
    stakeholders_per_country: int = 20,
    seed: int = 20261125,
    study_name: str | None = None,
) -> CalibrationResult:
    """Fit :data:`PARAMETERS` so that a backcast from ``start_year`` matches ``fit_years``.

    Resumable: trials are kept in an Optuna SQLite database in ``out`` (default
    ``results/calibration``); calling again with the same settings continues the study
    until it holds ``trials`` completed trials. The scenario defaults are tried first.

    Args:
        folder: The WDI folder.
        trials: Completed trials the study should hold.
        fit_years: Years the objective compares (others are out of sample).
        start_year: Year of the initial world.
        end_year: Last year of the backcast reported.
        out: Folder of the study database.
        stakeholders_per_country: Stakeholder agents per country.
        seed: Seed of the world and the dynamics.
        study_name: Name of the study (default: from the years).

    Returns:
        The best parameters, their fit, and the best backcast to ``end_year``.
    """
    try:
        import optuna
    except ImportError:  # pragma: no cover - optuna is in the calibrate extra
        raise IpsimError("calibration needs optuna: pip install 'ipsim[calibrate]'") from None
    if not fit_years or min(fit_years) <= start_year or max(fit_years) > end_year:
        raise IpsimError(f"fit years must lie in {start_year + 1}..{end_year}, got {fit_years}")
    out = Path(out or Path("results") / "calibration")
    out.mkdir(parents=True, exist_ok=True)
    storage = f"sqlite:///{(out / 'optuna.db').resolve()}"
    years = "-".join(map(str, fit_years))
    name = study_name or (
        f"v{OBJECTIVE_VERSION}-backcast-{start_year}-fit-{years}"
        f"-n{stakeholders_per_country}-s{seed}"
    )
    fitting = Backcast(
        folder,
        start_year=start_year,
        end_year=max(fit_years),
        stakeholders_per_country=stakeholders_per_country,
        seed=seed,
    )
    evaluator = Evaluator(fitting, fit_years)

    def objective(trial: optuna.Trial) -> float:
        params = _suggest(trial)
        fit = evaluator.evaluate(fitting.run(params))
        trial.set_user_attr("scale", fit.scale)
        return fit.loss

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        study_name=name,
        storage=storage,
        load_if_exists=True,
        direction="minimize",
        sampler=optuna.samplers.TPESampler(seed=seed),
    )
    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    if not done:
        from ipsim.spec import Dynamics

        defaults = Dynamics()
        study.enqueue_trial(
            {
                n: float(np.clip(getattr(defaults, n), lo, hi))
                for n, (lo, hi, _) in PARAMETERS.items()
            }
        )
    remaining = trials - len(done)
    if remaining > 0:
        study.optimize(objective, n_trials=remaining)
    best = dict(study.best_params)
    full = Backcast(
        folder,
        start_year=start_year,
        end_year=end_year,
        stakeholders_per_country=stakeholders_per_country,
        seed=seed,
    )
    result = full.run(best)
    report_years = tuple(int(y) for y in full.years if y != start_year and y % 5 == 0)
    fit = Evaluator(full, fit_years).evaluate(result, tuple(sorted({*fit_years, *report_years})))
    completed = sum(t.state == optuna.trial.TrialState.COMPLETE for t in study.trials)
    return CalibrationResult(
        params=best,
        fit=fit,
        trials=completed,
        fit_years=tuple(fit_years),
        start_year=start_year,
        folder=str(folder),
        study=name,
        storage=storage,
        backcast=result,
        source=full,
    )


def evaluate_defaults(
    folder: str | Path,
    fit_years: tuple[int, ...] = (2005, 2010),
    start_year: int = 2000,
    end_year: int = 2010,
    stakeholders_per_country: int = 20,
    seed: int = 20261125,
) -> CalibrationResult:
    """The backcast of the current defaults, compared with the data (no fitting).

    ``fit_years`` only labels which years count in the reported objective.
    """
    full = Backcast(
        folder,
        start_year=start_year,
        end_year=end_year,
        stakeholders_per_country=stakeholders_per_country,
        seed=seed,
    )
    result = full.run()
    report_years = tuple(int(y) for y in full.years if y != start_year and y % 5 == 0)
    fit = Evaluator(full, fit_years).evaluate(result, tuple(sorted({*fit_years, *report_years})))
    defaults = full.scenario().dynamics
    params = {name: float(getattr(defaults, name)) for name in PARAMETERS}
    return CalibrationResult(
        params=params,
        fit=fit,
        trials=0,
        fit_years=tuple(fit_years),
        start_year=start_year,
        folder=str(folder),
        study="(defaults)",
        storage="",
        backcast=result,
        source=full,
    )


def save_params(result: CalibrationResult, path: Path) -> None:
    """Write the best parameters, the level factor and the fit to a JSON file."""
    payload = {
        "params": result.params,
        "patent_rate_scale": result.fit.scale,
        "loss": result.fit.loss,
        "terms": result.fit.terms,
        "trials": result.trials,
        "fit_years": list(result.fit_years),
        "start_year": result.start_year,
        "data": result.folder,
        "study": result.study,
        "storage": result.storage,
        "simulated": {y: s.as_dict() for y, s in result.fit.simulated.items()},
        "observed": {y: s.as_dict() for y, s in result.fit.observed.items()},
    }
    path.write_text(json.dumps(payload, indent=2, default=float) + "\n")

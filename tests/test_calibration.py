"""A tiny calibration end to end, on WDI-format files the test writes itself."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import optuna
import pytest

from ipsim.calibration.backcast import Backcast, BackcastResult
from ipsim.calibration.fit import PARAMETERS, Evaluator, calibrate
from ipsim.calibration.report import write_report
from ipsim.calibration.targets import statistics
from tests.test_wdi import write_folder

YEARS = list(range(1998, 2007))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_folder(tmp_path_factory.mktemp("wdi") / "wdi", years=YEARS)


def test_statistics_of_a_known_panel() -> None:
    filings = np.array([100.0, 100.0, 100.0, 100.0, 100.0, 500.0])
    base = np.full(6, 50.0)
    pop = np.full(6, 1e6)
    gdp = np.exp(np.arange(6.0))
    income = np.array([0, 1, 2, 3, 3, 3])
    stats = statistics(filings, base, pop, gdp, income)
    assert stats.top5 == pytest.approx(900 / 1000)
    assert stats.growth["World"] == pytest.approx(1000 / 300)
    assert stats.growth["High income"] == pytest.approx(700 / 150)
    assert 0 < stats.gini < 1 and stats.elasticity > 0


def test_objective_is_zero_when_the_simulation_is_the_data(folder: Path) -> None:
    backcast = Backcast(folder, start_year=2000, end_year=2004, stakeholders_per_country=10)
    evaluator = Evaluator(backcast, (2003,))
    table = np.column_stack([np.nan_to_num(evaluator.observed[y]) for y in backcast.years])
    perfect = BackcastResult(years=backcast.years, expected=table * 3.0, realised=table)
    fit = evaluator.evaluate(perfect)
    assert fit.scale == pytest.approx(1 / 3)
    assert fit.loss == pytest.approx(0.0, abs=1e-12)
    worse = BackcastResult(
        years=backcast.years,
        expected=table * np.linspace(1, 2, len(table))[:, None] ** (backcast.years - 2000),
        realised=table,
    )
    assert evaluator.evaluate(worse).loss > 0.1


def test_backcast_follows_the_data_drivers(folder: Path) -> None:
    backcast = Backcast(folder, start_year=2000, end_year=2003, stakeholders_per_country=10)
    result = backcast.run()
    assert result.expected.shape == (backcast.world.n, 4)
    assert np.all(result.expected > 0)
    at = list(backcast.world.codes).index("BBB")
    # BBB's GDP per capita grows 8% a year in the data, less inflation: its filings grow.
    assert result.expected[at, -1] > result.expected[at, 0] * 1.05


def test_tiny_calibration_end_to_end_and_resumable(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "calibration"
    kwargs = dict(
        fit_years=(2003,), start_year=2000, end_year=2005, out=out, stakeholders_per_country=10
    )
    first = calibrate(folder, trials=3, **kwargs)
    assert first.trials == 3
    for name, (lo, hi, _) in PARAMETERS.items():
        assert lo <= first.params[name] <= hi
    assert np.isfinite(first.fit.loss) and first.fit.scale > 0
    assert set(first.fit.simulated) == {2000, 2003, 2005}
    storage = f"sqlite:///{out / 'optuna.db'}"
    before = [t.params for t in optuna.load_study(study_name=None, storage=storage).trials]
    again = calibrate(folder, trials=4, **kwargs)  # continues the stored study
    assert again.trials == 4
    assert again.fit.loss <= first.fit.loss + 1e-9
    # One study in the file, holding the first run's 3 trials unchanged plus one more: a
    # fresh study (a broken resume) would have re-run trials or written a second study.
    studies = optuna.get_all_study_summaries(storage)
    assert len(studies) == 1 and studies[0].n_trials == 4
    after = [t.params for t in optuna.load_study(study_name=None, storage=storage).trials]
    assert after[:3] == before

    report = write_report(again, out, figure_copy=tmp_path / "figures" / "calibration.png")
    for name in ("countries.csv", "aggregates.csv", "params.json", "calibration.png"):
        assert (out / name).is_file()
    assert (tmp_path / "figures" / "calibration.png").is_file()
    text = report.read_text()
    assert "out of sample" in text and "dynamics.filing_elasticity" in text
    params = json.loads((out / "params.json").read_text())
    assert params["trials"] == 4 and params["fit_years"] == [2003]


def test_cli_calibrate(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ipsim.cli import main

    status = main(
        [
            "calibrate",
            "--data",
            str(folder),
            "--trials",
            "2",
            "--end-year",
            "2004",
            "--fit-years",
            "2003",
            "--stakeholders",
            "10",
            "--out",
            str(tmp_path),
        ]
    )
    assert status == 0
    out = capsys.readouterr().out
    assert "dynamics.filing_elasticity" in out and "level factor" in out
    assert (tmp_path / "report.md").is_file()

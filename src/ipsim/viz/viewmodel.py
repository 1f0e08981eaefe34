"""The model the browser view drives, built from the page's controls.

Mesa's SolaraViz rebuilds the model on Reset as ``type(model)(**controls)``, so the
controls are the keyword arguments of :class:`ViewModel`: the scenario, the strategy,
the budget (a multiple of the scenario's budget lines) and the seed. The class only
turns these into a scenario and builds an :class:`~ipsim.model.IPModel` from it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ipsim.errors import IpsimError
from ipsim.loading import load_scenario, shipped_scenarios
from ipsim.model import IPModel
from ipsim.registry import STRATEGIES
from ipsim.spec import Scenario

SCENARIO_ENV = "IPSIM_VIZ_SCENARIO"
"""Environment variable through which ``ipsim viz`` names the scenario to open."""

DEFAULT_SCENARIO = "default"
BUDGET_SCALE_MAX = 3.0
SEED_MAX = 2**63 - 1


@dataclass(frozen=True)
class Controls:
    """What the viewer chose: the keyword arguments of :class:`ViewModel`.

    Attributes:
        scenario: A shipped scenario's name or a scenario file.
        strategy: The strategy of the live run (empty: the scenario's own).
        budget_scale: Multiple of the scenario's budget lines (1: as written).
        seed: Seed of the dynamics, as typed (empty: the scenario's).
    """

    scenario: str = DEFAULT_SCENARIO
    strategy: str = ""
    budget_scale: float = 1.0
    seed: str = ""


def scale_budget(spec: Scenario, factor: float) -> Scenario:
    """A copy of ``spec`` whose budget lines are ``factor`` times as large.

    Raises:
        IpsimError: If ``factor`` is negative or above :data:`BUDGET_SCALE_MAX`.
    """
    if not 0 <= factor <= BUDGET_SCALE_MAX:
        raise IpsimError(f"budget scale must lie in [0, {BUDGET_SCALE_MAX:g}], got {factor}")
    if factor == 1:
        return spec
    budget = tuple(
        line.model_copy(update={"amount_musd": line.amount_musd * factor})
        for line in spec.programme.budget
    )
    programme = spec.programme.model_copy(update={"budget": budget})
    return spec.model_copy(update={"programme": programme})


def parse_seed(text: str | int | None, default: int) -> tuple[int, str]:
    """The seed typed in the page, and a warning ("" when the text is a valid seed).

    Empty text means ``default``; anything that is not a whole number in
    ``[0, 2**63 - 1]`` also gives ``default``, with a warning that says why.
    """
    if text is None or str(text).strip() == "":
        return default, ""
    try:
        seed = int(str(text).strip())
    except ValueError:
        return default, f"seed '{text}' is not a whole number; using {default}"
    if not 0 <= seed <= SEED_MAX:
        return default, f"seed {seed} is outside [0, 2**63 - 1]; using {default}"
    return seed, ""


def build_spec(controls: Controls) -> tuple[Scenario, int, str]:
    """The scenario, seed and warning (if any) that ``controls`` describe.

    Raises:
        ScenarioError: If the scenario cannot be loaded.
        IpsimError: If the strategy is unknown or the budget scale is out of range.
    """
    spec = load_scenario(controls.scenario)
    if controls.strategy:
        if controls.strategy not in STRATEGIES:
            raise IpsimError(STRATEGIES.unknown_message(controls.strategy))
        spec = spec.with_strategy(controls.strategy)
    spec = scale_budget(spec, float(controls.budget_scale))
    seed, warning = parse_seed(controls.seed, spec.seed)
    return spec, seed, warning


class ViewModel(IPModel):
    """An :class:`~ipsim.model.IPModel` built from the browser's controls.

    The argument is ``scenario_name``, not ``scenario``: Mesa's Reset gives a
    ``scenario`` argument a Mesa scenario object of its own.

    Args:
        scenario_name: A shipped scenario's name or a scenario file.
        strategy: Strategy of the run (empty: the scenario's own).
        budget_scale: Multiple of the scenario's budget lines.
        seed: Seed of the dynamics as typed in the page (empty: the scenario's).

    Attributes:
        controls: The controls the model was built from.
        warning: A message for the viewer about a control that was not used as typed.
    """

    def __init__(
        self,
        scenario_name: str = DEFAULT_SCENARIO,
        strategy: str = "",
        budget_scale: float = 1.0,
        seed: str | int = "",
    ):
        self.controls = Controls(
            str(scenario_name), str(strategy or ""), float(budget_scale), str(seed)
        )
        spec, rng, self.warning = build_spec(self.controls)
        super().__init__(spec, rng=rng)

    @property
    def comparison_key(self) -> tuple[Any, ...]:
        """What a comparison of strategies depends on (everything but the strategy)."""
        c = self.controls
        return (c.scenario, c.budget_scale, self.seed)


def initial_scenario() -> str:
    """The scenario the page opens with: the one ``ipsim viz`` was given, or the default."""
    return os.environ.get(SCENARIO_ENV) or DEFAULT_SCENARIO


def scenario_choices(current: str) -> list[str]:
    """Shipped scenario names, plus ``current`` when it is a file of the user's."""
    names = sorted(shipped_scenarios())
    return names if current in names else [current, *names]


def model_params(scenario: str) -> dict[str, Any]:
    """SolaraViz's ``model_params``: the controls, with defaults from ``scenario``.

    Raises:
        ScenarioError: If ``scenario`` cannot be loaded.
    """
    spec = load_scenario(scenario)
    return {
        "scenario_name": {
            "type": "Select",
            "value": scenario,
            "values": scenario_choices(scenario),
            "label": "Scenario",
        },
        "strategy": {
            "type": "Select",
            "value": spec.programme.strategy,
            "values": STRATEGIES.names(),
            "label": "Strategy",
        },
        "budget_scale": {
            "type": "SliderFloat",
            "value": 1.0,
            "min": 0.0,
            "max": BUDGET_SCALE_MAX,
            "step": 0.1,
            "label": "Budget (x the scenario's)",
        },
        "seed": {"type": "InputText", "value": str(spec.seed), "label": "Seed"},
    }

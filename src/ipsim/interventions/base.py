"""The base class of interventions.

An intervention is split, as in Starsim, into *what* it does (``deliver``), *how much*
a country can absorb in a step (``capacity``) and *who* it reaches (decided inside
``deliver`` from the model's state). The budget decides how many units are paid for;
an intervention never delivers a unit that was not paid for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from ipsim.model import IPModel

UNLIMITED = np.iinfo(np.int64).max // 4


class NoParams(BaseModel):
    """An intervention with no parameters of its own."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Intervention:
    """Base class: subclass it, set the class attributes and register it.

    Class attributes:
        name: Registered name (set by :func:`~ipsim.registry.register_intervention`).
        unit: What one unit is ("trainee", "reform project", ...).
        description: One line for ``ipsim list``.
        default_unit_cost_usd: Cost of one unit unless the scenario says otherwise.
        constraint: Which binding constraint it eases: "expertise", "law", "office",
            "awareness" or "network" (used by the tailored strategy).
        Params: pydantic model of the type's own parameters.

    Args:
        model: The model it acts on.
        params: Validated parameters.
        unit_cost_usd: Cost of one unit.
        index: Position in the programme's list of interventions.
    """

    name: ClassVar[str] = ""
    unit: ClassVar[str] = "unit"
    description: ClassVar[str] = ""
    default_unit_cost_usd: ClassVar[float] = 1000.0
    constraint: ClassVar[str] = "expertise"
    Params: ClassVar[type[BaseModel]] = NoParams

    def __init__(self, model: IPModel, params: Any, unit_cost_usd: float, index: int):
        self.model = model
        self.params = params
        self.unit_cost_usd = unit_cost_usd
        self.index = index

    def capacity(self) -> np.ndarray:
        """Most units each country can absorb in this step (default: unlimited)."""
        return np.full(self.model.n_countries, UNLIMITED, np.int64)

    def deliver(self, units: np.ndarray) -> None:
        """Apply ``units`` (paid for, within capacity) to each country."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance the intervention's own state (pending projects, lapses), once a step."""

    def expected_gain(self) -> np.ndarray:
        """Expected extra resident patent filings per year from one more unit, per country.

        Used by the impact-maximising strategy; a rough, documented estimate.
        """
        return np.zeros(self.model.n_countries)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, unit_cost_usd={self.unit_cost_usd})"

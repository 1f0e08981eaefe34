"""Sensitivity analysis: known indices through the same code path as a sweep's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ipsim import sensitivity, sweep
from ipsim.errors import IpsimError
from ipsim.sweeps.design import make_design
from tests.conftest import small_scenario

PI = float(np.pi)
ISHIGAMI = {"x1": (-PI, PI), "x2": (-PI, PI), "x3": (-PI, PI)}
# Ishigami (a = 7, b = 0.1): known first-order and total indices
S1 = {"x1": 0.314, "x2": 0.442, "x3": 0.0}
ST = {"x1": 0.558, "x2": 0.442, "x3": 0.244}


def ishigami(points: pd.DataFrame) -> pd.DataFrame:
    x1, x2, x3 = (points[c].to_numpy() for c in ("x1", "x2", "x3"))
    y = np.sin(x1) + 7 * np.sin(x2) ** 2 + 0.1 * x3**4 * np.sin(x1)
    return pd.DataFrame({"y": y}, index=points.index)


def test_sobol_indices_of_the_ishigami_function_match_the_known_values():
    design = make_design(ISHIGAMI, "sobol", 2048, seed=11)
    result = sensitivity(design, ishigami(design.points), seed=1)
    table = result.table().set_index("parameter")
    for name in ISHIGAMI:
        assert table.loc[name, "S1"] == pytest.approx(S1[name], abs=0.04)
        assert table.loc[name, "ST"] == pytest.approx(ST[name], abs=0.04)
        # the known value lies within (a little more than) the confidence interval
        assert abs(table.loc[name, "ST"] - ST[name]) <= 2 * table.loc[name, "ST_conf"] + 0.01
    assert set(result.indices["index"]) == {"S1", "ST"}
    assert len(result.figure().axes) == 1


def test_morris_ranks_the_parameters_of_a_known_function():
    design = make_design({"a": (0.0, 1.0), "b": (0.0, 1.0), "c": (0.0, 1.0)}, "morris", 20, seed=2)
    p = design.points
    outputs = pd.DataFrame({"y": 10 * p["a"] + 2 * p["b"] + 0 * p["c"], "z": p["a"] * p["b"]})
    table = sensitivity(design, outputs).table().set_index(["outcome", "parameter"])
    assert table.loc[("y", "a"), "mu_star"] == pytest.approx(10)  # per whole range
    assert table.loc[("y", "b"), "mu_star"] == pytest.approx(2)
    assert table.loc[("y", "c"), "mu_star"] == pytest.approx(0)
    assert table.loc[("y", "a"), "sigma"] == pytest.approx(0, abs=1e-9)  # linear: no spread
    assert table.loc[("z", "a"), "sigma"] > 0  # an interaction spreads the effects


def test_sensitivity_of_a_sweep_reads_the_programme_effect_per_point():
    base = small_scenario(world={"n_countries": 8, "stakeholders_per_country": 10, "seed": 3})
    result = sweep(
        base,
        {"dynamics.spillover_rate": (0.1, 2.0), "programme.budget.total_musd": (0.0, 40.0)},
        sampler="morris",
        n=2,
        replicates=1,
        strategies=["none", "uniform"],
        executor="serial",
        entities=["WORLD"],
    )
    analysis = sensitivity(result, ["people_trained"], relative_to="none")
    # no money, nobody trained: the budget is the only parameter that matters here
    table = analysis.table().set_index("parameter")
    assert table.loc["programme.budget.total_musd", "mu_star"] > 0
    assert table.loc["dynamics.spillover_rate", "mu_star"] == pytest.approx(0)
    assert len(analysis.outputs) == len(result.design)


def test_sensitivity_needs_a_sobol_or_morris_design_and_every_output():
    grid = make_design({"a": [1.0, 2.0]})
    with pytest.raises(IpsimError, match="needs a sobol or morris design"):
        sensitivity(grid, pd.DataFrame({"y": [1.0, 2.0]}))
    design = make_design({"a": (0.0, 1.0)}, "sobol", 4)
    y = pd.DataFrame({"y": np.r_[np.nan, np.ones(len(design) - 1)]})
    with pytest.raises(IpsimError, match="missing at 1 of"):
        sensitivity(design, y)

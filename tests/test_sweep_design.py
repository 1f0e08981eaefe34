"""Designs, field-path overrides and sweep files: no simulation runs here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ipsim.errors import IpsimError, ScenarioError
from ipsim.sweeps.design import Choice, Range, make_design
from ipsim.sweeps.files import SweepFileError, read_sweep_file
from ipsim.sweeps.overrides import apply_overrides
from tests.conftest import small_scenario

PARAMS = {"dynamics.spillover_rate": (0.1, 2.0), "world.network.rewiring": [0.0, 0.1, 1.0]}


@pytest.mark.parametrize(
    ("sampler", "n", "size"),
    [
        ("grid", None, 5 * 3),
        ("random", 7, 7),
        ("latin", 7, 7),
        ("sobol", 8, 8 * 4),
        ("morris", 3, 3 * 3),
    ],
)
def test_every_sampler_gives_its_size_within_bounds_and_is_seeded(sampler, n, size):
    design = make_design(PARAMS, sampler, n, seed=4)
    again = make_design(PARAMS, sampler, n, seed=4)
    assert len(design) == size
    assert design.points.equals(again.points)
    rate = design.points["dynamics.spillover_rate"]
    assert rate.between(0.1, 2.0).all()
    assert set(design.points["world.network.rewiring"]) <= {0.0, 0.1, 1.0}
    assert list(design.points.index) == list(range(size))


def test_latin_hypercube_puts_one_point_in_every_stratum():
    design = make_design({"a": (0.0, 1.0), "b": (10.0, 20.0)}, "latin", 10, seed=1)
    for column, (lo, hi) in (("a", (0, 1)), ("b", (10, 20))):
        strata = np.floor((design.points[column] - lo) / (hi - lo) * 10).astype(int)
        assert sorted(strata) == list(range(10))


def test_grid_levels_and_log_ranges():
    design = make_design({"x": Range(1.0, 100.0, levels=3, log=True), "s": Choice(("a", "b"))})
    assert sorted(set(design.points["x"].round(6))) == [1.0, 10.0, 100.0]
    assert len(design) == 6
    assert design.points["s"].dtype == object or str(design.points["s"].dtype) == "str"


@pytest.mark.parametrize(
    ("params", "sampler", "n", "message"),
    [
        ({}, "grid", None, "at least one parameter"),
        (PARAMS, "halton", 4, "unknown sampler 'halton'"),
        (PARAMS, "sobol", 6, "power of 2"),
        (PARAMS, "latin", None, "needs a size n"),
        ({"x": (2.0, 1.0)}, "grid", None, "low < high"),
    ],
)
def test_bad_designs_get_one_clear_message(params, sampler, n, message):
    with pytest.raises(IpsimError, match=message):
        make_design(params, sampler, n)


def test_overrides_by_path_selector_and_total_budget():
    base = small_scenario(
        programme={
            "budget": [
                {"name": "core", "kind": "core", "amount_musd": 30},
                {
                    "name": "trust",
                    "kind": "funds_in_trust",
                    "amount_musd": 10,
                    "regions": ["Sub-Saharan Africa"],
                },
            ]
        }
    )
    spec = apply_overrides(
        base,
        {
            "programme.budget.total_musd": 80.0,
            "programme.interventions[type=elearning].params.completion_median": 0.3,
            "world.network.peer_degree": 8.0,
            "dynamics.spillover_rate": np.float64(1.5),
        },
    )
    assert [line.amount_musd for line in spec.programme.budget] == [60.0, 20.0]
    elearning = next(i for i in spec.programme.interventions if i.type == "elearning")
    assert elearning.params["completion_median"] == 0.3
    assert spec.world.network.peer_degree == 8 and isinstance(spec.world.network.peer_degree, int)
    assert spec.dynamics.spillover_rate == 1.5
    assert base.dynamics.spillover_rate != 1.5  # the base is unchanged


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"dynamics.spilover_rate": 1.0}, "did you mean 'spillover_rate'"),
        ({"dynamics.spillover_rate": -1.0}, "greater than or equal to 0"),
        ({"world.network.peer_degree": 5}, "must be even"),
        ({"programme.interventions[type=foo].share": 1.0}, "no item .* has type=foo"),
        ({"programme.budget[3].amount_musd": 1.0}, "index 3 is out of range"),
        ({"programme.interventions[type=elearning].params.completion_median": 7.0}, "less than"),
        ({"dynamics": 1.0}, "group of fields"),
    ],
)
def test_bad_overrides_name_the_field_and_what_is_allowed(values, message):
    with pytest.raises(ScenarioError, match=message) as err:
        apply_overrides(small_scenario(), values, source="sweep.yaml")
    assert err.value.source == "sweep.yaml"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sweep.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sweep_file_reads_ranges_lists_and_resolves_the_base(tmp_path):
    (tmp_path / "base.yaml").write_text("name: b\n", encoding="utf-8")
    spec, base = read_sweep_file(
        _write(
            tmp_path,
            (
                "name: s\nbase: base.yaml\nparameters:\n"
                "  dynamics.spillover_rate: {low: 0.1, high: 2, levels: 3}\n"
                "  world.network.rewiring: [0.0, 0.5]\n"
                "  programme.strategy_unused: {values: [a, b]}\n"
            ),
        )
    )
    params = spec.design_parameters()
    assert params["dynamics.spillover_rate"] == Range(0.1, 2.0, 3)
    assert params["world.network.rewiring"] == Choice((0.0, 0.5))
    assert params["programme.strategy_unused"] == Choice(("a", "b"))
    assert base == tmp_path / "base.yaml"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: s\nparameters: {x: [1]}\nsampler: sobel\n", "line 3, field 'sampler'"),
        ("name: s\nparameters: {x: [1]}\nworkers: 0\n", "greater than or equal to 1"),
        ("name: s\nparameters: {x: [1]}\nreplicate: 2\n", "did you mean 'replicates'"),
        ("name: s\nparameters: {x: {low: 2, high: 1}}\n", "must exceed low"),
        ("name: s\nparameters: {}\n", "at least 1 item"),
        ("name: s\nparameters: [x\n", "malformed YAML"),
    ],
)
def test_bad_sweep_files_get_file_line_and_field(tmp_path, text, message):
    with pytest.raises(SweepFileError, match=message) as err:
        read_sweep_file(_write(tmp_path, text))
    assert str(tmp_path / "sweep.yaml") in str(err.value)

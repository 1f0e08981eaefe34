"""The model with compiled kernels (numba) and with pure numpy gives the same results.

Counts (filings, aware organisations, links) must be equal and floats agree to 1e-12
(numba's and numpy's ``exp`` may differ in the last bit; sums are in the same order).
"""

from __future__ import annotations

import numpy as np
import pytest

from ipsim import accel
from ipsim.model import IPModel
from ipsim.network import PartnershipNetwork
from tests.conftest import small_scenario

pytestmark = pytest.mark.skipif(not accel.available(), reason="numba is not installed")


def _run(flag: bool, strategy: str) -> IPModel:
    spec = small_scenario(
        horizon={"start_year": 2025, "years": 3, "steps_per_year": 4},
        world={"n_countries": 10, "stakeholders_per_country": 40, "seed": 3},
    ).with_strategy(strategy)
    with accel.use_numba(flag):
        return IPModel(spec, rng=21).run()


@pytest.mark.parametrize("strategy", ["none", "uniform", "needs_based"])
def test_compiled_and_numpy_runs_agree(strategy):
    fast, plain = _run(True, strategy), _run(False, strategy)
    for name, values in fast.recorder.values.items():
        other = plain.recorder.values[name]
        if values.dtype.kind in "iu" or name.startswith(("patent", "trademark")):
            np.testing.assert_array_equal(values, other, err_msg=name)
        else:
            np.testing.assert_allclose(values, other, rtol=1e-12, atol=1e-15, err_msg=name)
    np.testing.assert_array_equal(fast.stakeholders.aware, plain.stakeholders.aware)
    np.testing.assert_array_equal(fast.stakeholder_patents, plain.stakeholder_patents)
    np.testing.assert_allclose(fast.expertise, plain.expertise, rtol=1e-12, atol=1e-15)
    assert fast.network.n_links == plain.network.n_links
    assert fast.recorder.values["patent_filings_resident"].sum() > 0


def test_link_passes_and_merges_agree():
    rng = np.random.default_rng(4)
    n = 500
    batches = [(rng.integers(0, n, 900), rng.integers(0, n, 900)) for _ in range(3)]
    weights = [rng.uniform(0.1, 1, 900) for _ in range(3)]
    types = [rng.integers(0, 5, 900) for _ in range(3)]
    values = rng.random(n)
    nets = {}
    for flag in (True, False):
        with accel.use_numba(flag):
            net = PartnershipNetwork(n, *batches[0], types[0], weights[0])
            for (u, v), t, w in zip(batches[1:], types[1:], weights[1:], strict=True):
                net.add(u, v, t, w)
            nets[flag] = (net, net.upward_pull(values), net.neighbour_mean(values))
    a, b = nets[True], nets[False]
    for attr in ("rows", "cols", "data", "indptr", "strength", "degree", "u", "v"):
        np.testing.assert_array_equal(getattr(a[0], attr), getattr(b[0], attr), err_msg=attr)
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(a[2], b[2])


def test_use_numba_restores_the_choice():
    before = accel.enabled()
    with accel.use_numba(not before):
        assert accel.enabled() is (not before)
    assert accel.enabled() is before


@pytest.mark.parametrize("flag", [True, False])
def test_many_small_batches_grow_the_csr_in_place_like_one_build(flag):
    # Batches of a few links each: most merges fit in the spare capacity, some regrow it.
    rng = np.random.default_rng(8)
    n = 400
    batches = [(rng.integers(0, n, k), rng.integers(0, n, k)) for k in [600] + [25] * 30]
    weights = [rng.uniform(0.1, 1, len(u)) for u, _ in batches]
    types = [rng.integers(0, 5, len(u)) for u, _ in batches]
    with accel.use_numba(flag):
        grown = PartnershipNetwork(n, *batches[0], types[0], weights[0])
        held = grown.cols  # a view handed out before the merges
        in_place = regrown = 0
        for (u, v), t, w in zip(batches[1:], types[1:], weights[1:], strict=True):
            buffer = grown._buffers["cols"]
            grown.add(u, v, t, w)
            same = grown._buffers["cols"] is buffer
            in_place += same
            regrown += not same
        whole = PartnershipNetwork(
            n,
            np.concatenate([u for u, _ in batches]),
            np.concatenate([v for _, v in batches]),
            np.concatenate(types),
            np.concatenate(weights),
        )
        values = rng.random(n)
        np.testing.assert_array_equal(grown.upward_pull(values), whole.upward_pull(values))
        np.testing.assert_array_equal(grown.neighbour_mean(values), whole.neighbour_mean(values))
    assert grown.n_links > len(held) // 2
    assert in_place > 0 and regrown > 0  # both paths of the merge were taken
    for attr in ("u", "v", "link_type", "weight", "rows", "cols", "data", "indptr", "strength"):
        np.testing.assert_array_equal(getattr(grown, attr), getattr(whole, attr), err_msg=attr)
    assert grown.cols.dtype == np.int32  # n is small: 4 bytes per entry

"""The fast core against the per-agent Mesa reference (benchmarks/reference.py).

Tolerance: the reference computes with Python floats and ``math`` in the core's order
of operations; ``math.exp`` and numpy's ``exp`` may differ in the last bit, so floats
are compared with a relative tolerance of 1e-12 and counts (filings, aware
organisations, links) exactly.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from ipsim.loading import scenario_from_dict
from ipsim.model import IPModel
from ipsim.network import PartnershipNetwork

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from reference import RECORDED, ReferenceModel

RTOL = 1e-12
COUNTS = {"patent_filings_resident", "patent_filings_nonresident", "trademark_filings"}


def small_scenario(**overrides):
    data = {
        "name": "oracle",
        "seed": 3,
        "horizon": {"years": 3},
        "world": {"n_countries": 8, "stakeholders_per_country": 30},
        "programme": {"strategy": "none"},
    }
    for key, value in overrides.items():
        data[key] = {**data.get(key, {}), **value}
    return scenario_from_dict(data)


CASES = {
    "default dynamics": small_scenario(),
    "monthly steps, fast links, no lag": small_scenario(
        horizon={"years": 2, "steps_per_year": 12},
        world={
            "n_countries": 6,
            "stakeholders_per_country": 25,
            "network": {"link_formation_rate": 0.5},
        },
        dynamics={"nonresident_lag_years": 0.0, "spillover_rate": 2.0, "bass_q": 1.0},
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_core_matches_reference(name):
    spec = CASES[name]
    core = IPModel(spec.with_strategy("none"), rng=11).run()
    ref = ReferenceModel(spec, rng=11).run()
    assert ref.steps == core.steps == spec.horizon.n_steps
    for indicator in RECORDED:
        fast = core.recorder.values[indicator][: core.recorder.rows]
        slow = ref.values(indicator)
        assert fast.shape == slow.shape
        if indicator in COUNTS:
            np.testing.assert_array_equal(fast, slow, err_msg=indicator)
        else:
            np.testing.assert_allclose(fast, slow, rtol=RTOL, atol=0, err_msg=indicator)
    np.testing.assert_allclose(core.expertise, ref.expertise(), rtol=RTOL, atol=1e-15)
    np.testing.assert_array_equal(core.stakeholders.aware, ref.aware())
    assert core.network.n_links == ref.n_links()
    # The run did something worth comparing: filings, adoption and new links.
    assert core.recorder.values["patent_filings_resident"].sum() > 0
    assert (
        core.stakeholders.aware > IPModel(spec.with_strategy("none"), rng=11).stakeholders.aware
    ).any()


def test_reference_differs_with_another_seed():
    spec = CASES["default dynamics"]
    core = IPModel(spec.with_strategy("none"), rng=11).run()
    ref = ReferenceModel(spec, rng=12).run()
    assert not np.array_equal(
        core.recorder.values["patent_filings_resident"], ref.values("patent_filings_resident")
    )


def test_links_added_in_batches_give_the_same_csr_as_one_build():
    rng = np.random.default_rng(0)
    n = 300
    batches = [(rng.integers(0, n, 400), rng.integers(0, n, 400)) for _ in range(4)]
    weights = [rng.uniform(0.1, 1, 400) for _ in range(4)]
    types = [rng.integers(0, 5, 400) for _ in range(4)]
    grown = PartnershipNetwork(n, batches[0][0], batches[0][1], types[0], weights[0])
    for (u, v), t, w in zip(batches[1:], types[1:], weights[1:], strict=True):
        grown.add(u, v, t, w)
    # Batch 2 repeated: nothing new, nothing changes.
    assert grown.add(batches[1][0], batches[1][1], types[1], weights[1]) == 0
    whole = PartnershipNetwork(
        n,
        np.concatenate([b[0] for b in batches]),
        np.concatenate([b[1] for b in batches]),
        np.concatenate(types),
        np.concatenate(weights),
    )
    for attr in (
        "u",
        "v",
        "link_type",
        "weight",
        "rows",
        "cols",
        "data",
        "indptr",
        "strength",
        "degree",
    ):
        np.testing.assert_array_equal(getattr(grown, attr), getattr(whole, attr), err_msg=attr)
    # No self-loops, no duplicates, rows sorted then columns.
    assert (grown.u < grown.v).all()
    key = grown.rows * n + grown.cols
    assert (np.diff(key) > 0).all()


class ZeroedModel(IPModel):
    """A model where country 1 has no resident means and country 2 no non-resident ones."""

    @property
    def resident_mean(self):
        mean = super().resident_mean.copy()
        s = self.stakeholders
        mean[s.start[1] : s.start[2]] = 0.0
        return mean

    @property
    def nonresident_mean(self):
        mean = super().nonresident_mean.copy()
        mean[2] = 0.0
        return mean


def test_filing_draws_are_those_of_one_sampler_call_per_country():
    """Each country's stream gives its stakeholders' patents, their trademarks, then
    non-residents' patents and trademarks: the draws of one ``sampling.negative_binomial``
    call on the concatenated means (uniforms first, then the large means)."""
    from ipsim import sampling
    from ipsim.model import NONRESIDENT_SHAPE_PER_YEAR, NONRESIDENT_TRADEMARK_RATIO
    from ipsim.streams import Streams

    spec = CASES["default dynamics"].with_strategy("none")
    model = ZeroedModel(spec, rng=5)  # its set-up draws the filings once
    s, dt = model.stakeholders, model.dt
    shape = spec.dynamics.filing_dispersion * s.size * dt
    patents = model.resident_mean * dt
    trademarks = model.trademark_mean * dt
    nonres = model.nonresident_mean * dt
    streams = Streams(5)
    n_large = 0
    for c in range(model.n_countries):
        lo, hi = s.start[c], s.start[c + 1]
        n = hi - lo
        gen = streams.generator("filings", c)
        nr_mean = [nonres[c], NONRESIDENT_TRADEMARK_RATIO * nonres[c]]
        mean = np.concatenate([patents[lo:hi], trademarks[lo:hi], nr_mean])
        r = np.concatenate([shape[lo:hi], shape[lo:hi], [NONRESIDENT_SHAPE_PER_YEAR * dt] * 2])
        n_large += int((mean > sampling.NB_INVERSION_MAX_MEAN).sum())
        want = sampling.negative_binomial(gen, mean, r)
        np.testing.assert_array_equal(model.stakeholder_patents[lo:hi], want[:n])
        np.testing.assert_array_equal(model.stakeholder_trademarks[lo:hi], want[n : 2 * n])
        assert model.countries.patents_nonresident[c] == want[2 * n]
        assert model.countries.trademarks[c] == want[2 * n + 1] + want[n : 2 * n].sum()
    assert n_large > 0  # some counts went to numpy's sampler
    assert model.stakeholder_patents[s.start[1] : s.start[2]].sum() == 0
    assert model.countries.patents_nonresident[2] == 0
    assert model.stakeholder_patents.sum() > 0

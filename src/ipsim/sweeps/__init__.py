"""Experiments at scale: parameter sweeps, sensitivity analysis, resumable results.

Run a scenario over a design of parameter values, on local processes or a Dask
cluster, streaming results to Parquet files that a second call resumes::

    import ipsim
    result = ipsim.sweep("default", {"dynamics.spillover_rate": (0.1, 2.0)},
                         sampler="sobol", n=64, store="results/spill/store")
    runs, metrics = result

``ipsim.sweep`` and ``ipsim.sensitivity`` are :func:`ipsim.sweeps.sweep` and
:func:`ipsim.sweeps.sensitivity`.

    indices = ipsim.sensitivity(result, outcomes=["patent_filings_resident"])
"""

from ipsim.sweeps.core import SweepPlan, SweepResult, SweepTask, plan_sweep, run_plan, sweep
from ipsim.sweeps.design import Choice, Design, Range, make_design
from ipsim.sweeps.overrides import apply_overrides
from ipsim.sweeps.sensitivity import SensitivityResult, outcome_table, sensitivity
from ipsim.sweeps.store import SweepStore

__all__ = [
    "Choice",
    "Design",
    "Range",
    "SensitivityResult",
    "SweepPlan",
    "SweepResult",
    "SweepStore",
    "SweepTask",
    "apply_overrides",
    "make_design",
    "outcome_table",
    "plan_sweep",
    "run_plan",
    "sensitivity",
    "sweep",
]

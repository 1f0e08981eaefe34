"""ipsim: agent-based simulation of intellectual-property capacity-building programmes.

Build a model from a scenario and run it::

    import ipsim
    spec = ipsim.load_scenario("default")
    model = ipsim.IPModel(spec).run()
    table = model.tables()

or run every strategy of a scenario with replicates::

    runs, metrics = ipsim.run_experiment(spec)
"""

from ipsim.errors import IpsimError, ScenarioError, UnknownNameError
from ipsim.interventions.base import Intervention
from ipsim.loading import load_scenario, scenario_from_dict
from ipsim.model import IPModel
from ipsim.registry import INTERVENTIONS, STRATEGIES, register_intervention, register_strategy
from ipsim.runner import RunSpec, run_experiment, run_one
from ipsim.spec import Scenario
from ipsim.strategies.base import Strategy
from ipsim.sweeps import sensitivity, sweep

__version__ = "0.1.0"

__all__ = [
    "INTERVENTIONS",
    "STRATEGIES",
    "IPModel",
    "Intervention",
    "IpsimError",
    "RunSpec",
    "Scenario",
    "ScenarioError",
    "Strategy",
    "UnknownNameError",
    "__version__",
    "load_scenario",
    "register_intervention",
    "register_strategy",
    "run_experiment",
    "run_one",
    "scenario_from_dict",
    "sensitivity",
    "sweep",
]

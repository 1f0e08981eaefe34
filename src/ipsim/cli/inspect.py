"""``ipsim list``, ``ipsim schema`` and ``ipsim validate``."""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.table import Table

from ipsim.errors import ScenarioError
from ipsim.loading import describe_shipped, load_scenario
from ipsim.registry import INTERVENTIONS, STRATEGIES
from ipsim.schema import scenario_json_schema


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``list``, ``schema`` and ``validate``."""
    listing = sub.add_parser("list", help="shipped scenarios, strategies and interventions")
    listing.set_defaults(handler=list_command)
    schema = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    schema.set_defaults(handler=schema_command)
    validate = sub.add_parser("validate", help="check scenario files without running them")
    validate.add_argument("files", nargs="+", help="scenario files or shipped names")
    validate.set_defaults(handler=validate_command)


def list_command(args: argparse.Namespace) -> int:
    """Print what can be named in a scenario."""
    console = Console()
    table = Table(title="Shipped scenarios (ipsim run NAME)", title_justify="left")
    table.add_column("name", style="bold")
    table.add_column("question")
    for name, description in describe_shipped():
        table.add_row(name, description)
    console.print(table)
    table = Table(title="Strategies (programme.strategy, compare)", title_justify="left")
    table.add_column("name", style="bold")
    table.add_column("what it does")
    for name, cls in STRATEGIES.items():
        table.add_row(name, cls.description)
    console.print(table)
    table = Table(title="Interventions (programme.interventions[].type)", title_justify="left")
    table.add_column("type", style="bold")
    table.add_column("unit")
    table.add_column("default cost (USD)", justify="right")
    table.add_column("what it does")
    for name, cls in INTERVENTIONS.items():
        table.add_row(name, cls.unit, f"{cls.default_unit_cost_usd:,.0f}", cls.description)
    console.print(table)
    return 0


def schema_command(args: argparse.Namespace) -> int:
    """Print the JSON Schema."""
    json.dump(scenario_json_schema(), sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def validate_command(args: argparse.Namespace) -> int:
    """Validate files; report every invalid one."""
    status = 0
    for name in args.files:
        try:
            spec = load_scenario(name)
        except ScenarioError as err:
            print(err.render(), file=sys.stderr)
            status = 2
        else:
            print(
                f"{name}: valid ({spec.name}: {len(spec.strategies)} strategies, "
                f"{spec.horizon.years} years)"
            )
    return status

"""The ``ipsim`` command line: thin front ends that load, validate and call the library.

Each command lives in its own module with ``add_parser(subparsers)``; it sets
``handler`` to a function taking the parsed arguments and returning an exit status.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from ipsim import __version__
from ipsim.errors import IpsimError, ScenarioError

COMMAND_MODULES = ("run", "inspect", "calibrate", "sweep", "viz")
"""Modules of ``ipsim.cli`` that each add commands, in the order of ``ipsim --help``."""

EXIT_OK = 0
EXIT_FAILED_RUNS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(
        prog="ipsim",
        description="Simulate IP capacity-building programmes and compare strategies.",
    )
    parser.add_argument("--version", action="version", version=f"ipsim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(f"ipsim.cli.{name}").add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or EXIT_OK)
    except ScenarioError as err:
        print(err.render(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except IpsimError as err:
        print(f"ipsim: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into a command that stopped reading
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        print("ipsim: interrupted; no results were written", file=sys.stderr)
        return EXIT_INTERRUPTED

"""``ipsim viz``: the browser view of a scenario (Mesa's SolaraViz, served by Solara)."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys

from ipsim.cli.common import whole_number
from ipsim.errors import IpsimError
from ipsim.loading import load_scenario, resolve_scenario_path, shipped_scenarios
from ipsim.viz.viewmodel import SCENARIO_ENV

APP_MODULE = "ipsim.viz.app"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``viz``."""
    viz = sub.add_parser(
        "viz",
        help="watch a run in the browser",
        description="Serve the browser view of a scenario: the partnership network, the "
        "indicators over time, a country panel, and controls for scenario, strategy, "
        "budget and seed. Each browser tab gets its own model. Works with no internet "
        "access (Solara's front-end files are installed with ipsim[viz]).",
    )
    viz.add_argument(
        "scenario",
        nargs="?",
        default=None,
        help="a scenario file or the name of a shipped scenario (default: default)",
    )
    viz.add_argument(
        "--port",
        type=_port,
        default=DEFAULT_PORT,
        help=f"port to serve on (default: {DEFAULT_PORT})",
    )
    viz.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default: {DEFAULT_HOST}, this machine "
        "only; 0.0.0.0 lets other machines connect)",
    )
    viz.set_defaults(handler=viz_command)


def _port(text: str) -> int:
    value = whole_number(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must lie in 1..65535, got {value}")
    return value


def check_port(host: str, port: int) -> None:
    """Raise a clear error if ``host:port`` cannot be listened on."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as err:
        raise IpsimError(f"--host {host}: not an address of this machine ({err})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as err:
            raise IpsimError(
                f"cannot serve on {host}:{port} ({err.strerror}); choose another with --port"
            ) from None


def scenario_argument(scenario: str | None) -> str:
    """The scenario to pass to the app: a shipped name as is, a file as an absolute path.

    Raises:
        ScenarioError: If the scenario cannot be loaded (the message says why).
    """
    name = scenario or "default"
    load_scenario(name)
    if name in shipped_scenarios() and not os.path.exists(name):
        return name
    return str(resolve_scenario_path(name).resolve())


def solara_command(host: str, port: int) -> list[str]:
    """The command that serves the app."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        APP_MODULE,
        "--host",
        host,
        "--port",
        str(port),
        "--no-open",
        "--production",
    ]


def viz_command(args: argparse.Namespace) -> int:
    """Serve the browser view until interrupted.

    On POSIX systems the Solara server replaces this process (so a signal sent to
    ``ipsim viz`` reaches the server); elsewhere it runs as a child process.
    """
    try:
        import solara  # noqa: F401
    except ImportError:
        raise IpsimError("the browser view needs Solara: pip install 'ipsim[viz]'") from None
    scenario = scenario_argument(args.scenario)
    check_port(args.host, args.port)
    env = {**os.environ, SCENARIO_ENV: scenario, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"ipsim: browser view of '{scenario}' at http://{shown}:{args.port}/ (Ctrl-C to stop)",
        flush=True,
    )
    if args.host in {"0.0.0.0", "::"}:
        print(
            "ipsim: listening on every network interface: anyone who can reach this "
            "machine can open the page",
            flush=True,
        )
    command = solara_command(args.host, args.port)
    if os.name == "posix":
        os.execve(command[0], command, env)  # the server replaces this process
    process = subprocess.Popen(command, env=env)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        raise

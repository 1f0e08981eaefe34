"""The browser page: Mesa's SolaraViz with ipsim's components, one model per session.

``solara run ipsim.viz.app`` serves :func:`Page` (``ipsim viz`` does this). The model is
built inside the page with ``solara.use_memo``, so every browser session (every tab) has
its own model; nothing is shared between sessions.
"""

# ruff: noqa: N802 - Solara components are named like classes, as in Solara and Mesa.
from __future__ import annotations

import solara
from mesa.visualization import SolaraViz

from ipsim.errors import IpsimError
from ipsim.viz.components import CountryNetworkView, CountryPanel, IndicatorsView, NetworkView
from ipsim.viz.viewmodel import ViewModel, initial_scenario, model_params

COMPONENTS = [(NetworkView, 0), (IndicatorsView, 0), (CountryNetworkView, 0), (CountryPanel, 0)]
"""What the page shows, on its first page: a 2 x 2 grid."""

PLAY_INTERVAL_MS = 150


@solara.component
def App(scenario: str):
    """The view of one scenario, with a model of its own.

    Args:
        scenario: A shipped scenario's name or a scenario file.
    """

    def build() -> tuple[ViewModel | None, dict | None, str]:
        try:
            params = model_params(scenario)
            defaults = {name: p["value"] for name, p in params.items()}
            return ViewModel(**defaults), params, ""
        except IpsimError as err:
            return None, None, str(err)

    model, params, error = solara.use_memo(build, [scenario])
    if model is None:
        with solara.Column(style={"padding": "24px"}):
            solara.Error(f"ipsim cannot open the scenario: {error}")
        return
    SolaraViz(
        model,
        components=COMPONENTS,
        model_params=params,
        name=f"ipsim: IP capacity-building programmes ({scenario})",
        play_interval=PLAY_INTERVAL_MS,
    )


@solara.component
def Page():
    """The page ``solara run`` serves: the scenario ``ipsim viz`` was given."""
    App(initial_scenario())

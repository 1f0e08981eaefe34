"""What the browser view draws: ECharts options built from a model (no Solara here).

The figures are drawn in the browser by ECharts (shipped with Solara's front-end files,
so they work offline); the server only builds small option dictionaries from the model's
arrays after a step, which costs about a millisecond, so a redraw stays off the model's
hot path. Colours and sizes use fixed scales, so a change between steps shows as a
change in the picture.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps

from ipsim import kinds
from ipsim.model import IPModel
from ipsim.network import LINK_LABELS
from ipsim.outputs import country_links
from ipsim.spec import REGIONS
from ipsim.viz.layout import country_positions, country_ring_positions
from ipsim.viz.series import COUNTRY_PANELS, PANELS, Panel, Series, country_series, world_series

Option = dict[str, Any]
"""An ECharts option (JSON-like)."""

EXPERTISE_COLOURS: tuple[str, ...] = tuple(
    "#{:02x}{:02x}{:02x}".format(*(int(255 * v) for v in colormaps["viridis"](x)[:3]))
    for x in np.linspace(0, 1, 9)
)
"""The expertise colour scale (viridis, from 0 to 1)."""

LINK_STYLES: Mapping[str, tuple[str, str | list[int]]] = {
    "regional": ("#1f77b4", "solid"),
    "public_private": ("#ff7f0e", "dashed"),
    "academic": ("#2ca02c", "solid"),
    "tech_transfer": ("#9467bd", "dotted"),
    "donor": ("#d62728", [8, 3, 2, 3]),
}
"""Colour and line style of each partnership type."""

STRATEGY_COLOURS = (
    "#7f7f7f",
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#17becf",
)
LIVE_COLOUR = "#000000"
NODE_SIZE = (6.0, 34.0)
"""Smallest and largest node diameter, in pixels."""


def _sizes(
    values: np.ndarray, reference: float, lo: float = NODE_SIZE[0], hi: float = NODE_SIZE[1]
) -> np.ndarray:
    """Node diameters: area proportional to ``values / reference``, capped at 1.5 x ``hi``."""
    share = np.divide(values, reference, out=np.zeros(len(values)), where=reference > 0)
    return np.clip(lo + (hi - lo) * np.sqrt(np.maximum(share, 0.0)), lo, 1.5 * hi)


def _colour(expertise: np.ndarray) -> list[str]:
    """Hex colours of expertise values on the fixed [0, 1] scale."""
    index = np.clip(
        np.rint(np.asarray(expertise) * (len(EXPERTISE_COLOURS) - 1)), 0, len(EXPERTISE_COLOURS) - 1
    ).astype(int)
    return [EXPERTISE_COLOURS[i] for i in index]


def _when(model: IPModel) -> str:
    """The model's step and calendar time, as shown in titles."""
    year = model.spec.horizon.start_year + model.steps / model.steps_per_year
    return f"step {model.steps} of {model.n_steps} ({year:.2f})"


def _years(model: IPModel, steps: np.ndarray) -> np.ndarray:
    return model.spec.horizon.start_year + steps / model.steps_per_year


def _epoch_ms(years: np.ndarray | float) -> np.ndarray:
    """Calendar years (fractional) as milliseconds since 1970, for ECharts' time axes."""
    years = np.asarray(years, dtype=float)
    whole = np.floor(years).astype(int)
    start = (whole - 1970).astype("datetime64[Y]").astype("datetime64[ms]").astype(np.int64)
    end = (whole - 1969).astype("datetime64[Y]").astype("datetime64[ms]").astype(np.int64)
    return np.rint(start + (years - whole) * (end - start)).astype(np.int64)


def _expertise_scale() -> dict[str, Any]:
    """A colour bar that explains node colours (the colours themselves are set per node).

    It is tied to no series (``seriesIndex: []``), so it recolours nothing.
    """
    return {
        "type": "continuous",
        "min": 0,
        "max": 1,
        "text": ["expertise 1", "0"],
        "inRange": {"color": list(EXPERTISE_COLOURS)},
        "seriesIndex": [],
        "calculable": False,
        "orient": "vertical",
        "right": 4,
        "bottom": 40,
        "itemHeight": 90,
        "itemWidth": 10,
        "textStyle": {"fontSize": 10},
    }


def _node_link(
    nodes: list[dict[str, Any]],
    labels: list[dict[str, Any]],
    links: dict[str, list[dict[str, Any]]],
    box: dict[str, Any],
    extent: tuple[float, float, float, float],
) -> Option:
    """A node-link drawing on hidden axes: a lines series per link type, then the nodes.

    (ECharts' own ``graph`` series misplaced some links in tests, so links are plain line
    segments between the nodes' fixed positions.)

    Args:
        nodes: Scatter items (``name``, ``value`` = [x, y], size, colour, tooltip).
        labels: Text-only items (``name``, ``value``) such as region names.
        links: Line items (``coords``, optional ``lineStyle``) by link type.
        box: Where the drawing goes in the chart (ECharts grid position).
        extent: ``(xmin, xmax, ymin, ymax)`` of the axes.
    """
    x0, x1, y0, y1 = extent
    series: list[dict[str, Any]] = []
    for link_type, items in links.items():
        if not items:
            continue
        colour, style = LINK_STYLES[link_type]
        series.append(
            {
                "type": "lines",
                "name": link_type.replace("_", " "),
                "coordinateSystem": "cartesian2d",
                "silent": True,
                "z": 1,
                "lineStyle": {"color": colour, "type": style, "opacity": 0.5},
                "data": items,
            }
        )
    series.append(
        {
            "type": "scatter",
            "name": "nodes",
            "z": 3,
            "data": nodes,
            "label": {
                "show": True,
                "position": "bottom",
                "formatter": "{b}",
                "fontSize": 8,
                "distance": 2,
            },
            "emphasis": {"scale": 1.4},
        }
    )
    series.append(
        {
            "type": "scatter",
            "name": "labels",
            "silent": True,
            "z": 2,
            "symbolSize": 0,
            "data": labels,
            "label": {
                "show": True,
                "position": "inside",
                "formatter": "{b}",
                "fontSize": 11,
                "color": "#555555",
            },
        }
    )
    hidden = {"type": "value", "show": False}
    return {
        "grid": box,
        "xAxis": {**hidden, "min": x0, "max": x1},
        "yAxis": {**hidden, "min": y0, "max": y1},
        "legend": {
            "data": [s["name"] for s in series if s["type"] == "lines"],
            "bottom": 0,
            "left": 8,
            "itemWidth": 22,
            "itemHeight": 8,
            "textStyle": {"fontSize": 10},
        },
        "series": series,
    }


def _segment(a: np.ndarray, b: np.ndarray) -> list[list[float]]:
    return [
        [round(float(a[0]), 4), round(float(a[1]), 4)],
        [round(float(b[0]), 4), round(float(b[1]), 4)],
    ]


def network_links(
    model: IPModel, links: pd.DataFrame | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Line items of the country network by type, wider when stronger.

    Links between countries do not change during a run, so a view builds them once.

    Args:
        model: The model (gives the countries' positions).
        links: Country-level links (default: :func:`ipsim.outputs.country_links`).
    """
    links = country_links(model) if links is None else links
    pos = country_positions(model.world.region)
    index = {str(code): i for i, code in enumerate(model.world.codes)}
    top = max(float(links["weight"].max()), 1e-9) if len(links) else 1.0
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in LINK_LABELS}
    for s, t, k, w in links[["source", "target", "type", "weight"]].itertuples(
        index=False, name=None
    ):
        out[k].append(
            {
                "coords": _segment(pos[index[s]], pos[index[t]]),
                "lineStyle": {"width": round(0.5 + 2.5 * float(np.sqrt(w / top)), 2)},
            }
        )
    return out


def network_option(
    model: IPModel,
    links: dict[str, list[dict[str, Any]]] | None = None,
    highlight: int | None = None,
) -> Option:
    """The partnership network between countries.

    Countries are clustered by region, coloured by their organisations' mean expertise
    and sized by their resident patent filings in the last step; links between countries
    (their actors' partnerships, summed) are styled by type and wider when stronger.

    Args:
        model: The model.
        links: Line items from :func:`network_links` (default: built now).
        highlight: Index of a country to outline (the one the country panel shows).
    """
    links = network_links(model) if links is None else links
    world = model.world
    pos = country_positions(world.region)
    rows = model.recorder.rows
    values = model.recorder.values
    expertise = values["stakeholder_expertise"][rows - 1]
    filings = values["patent_filings_resident"][rows - 1]
    sizes = _sizes(filings, float(values["patent_filings_resident"][0].max()))
    colours = _colour(expertise)
    nodes = []
    for i, code in enumerate(world.codes):
        outline = ("#d62728", 3) if i == highlight else ("#ffffff", 1)
        nodes.append(
            {
                "name": str(code),
                "value": [round(float(pos[i, 0]), 4), round(float(pos[i, 1]), 4)],
                "symbolSize": round(float(sizes[i]), 1),
                "itemStyle": {
                    "color": colours[i],
                    "borderColor": outline[0],
                    "borderWidth": outline[1],
                },
                "tooltip": {
                    "formatter": f"{code}: {world.names[i]}<br/>"
                    f"mean expertise {expertise[i]:.3f}<br/>"
                    f"resident filings this step {filings[i]:,.0f}"
                },
            }
        )
    labels = []
    for group in np.unique(world.region):
        members = world.region == group
        centre = pos[members].mean(axis=0)
        lift = 0.2 + 0.03 * np.sqrt(members.sum())
        labels.append(
            {
                "name": REGIONS[int(group)],
                "value": [round(float(centre[0]), 4), round(float(centre[1] + lift), 4)],
            }
        )
    option = _node_link(
        nodes,
        labels,
        links,
        {"left": 10, "right": 60, "top": 56, "bottom": 30},
        (-1.5, 1.5, -1.35, 1.6),
    )
    option.update(
        {
            "animation": False,
            "title": {
                "text": "Partnerships between countries",
                "subtext": f"colour: mean expertise; size: resident filings; {_when(model)}",
                "left": 8,
                "textStyle": {"fontSize": 14},
            },
            "tooltip": {"trigger": "item"},
            "visualMap": _expertise_scale(),
        }
    )
    return option


def _grid_positions(
    n: int, columns: int, box: tuple[float, float, float, float]
) -> list[dict[str, str]]:
    """``n`` grids laid out in ``columns`` inside ``box`` (left, top, width, height, in %)."""
    left, top, width, height = box
    rows = -(-n // columns)
    cell_w, cell_h = width / columns, height / rows
    out = []
    for i in range(n):
        r, c = divmod(i, columns)
        out.append(
            {
                "left": f"{left + c * cell_w + 0.27 * cell_w:.1f}%",
                "top": f"{top + r * cell_h + 0.16 * cell_h:.1f}%",
                "width": f"{0.68 * cell_w:.1f}%",
                "height": f"{0.62 * cell_h:.1f}%",
            }
        )
    return out


def _panels(
    model: IPModel,
    panels: tuple[Panel, ...],
    lines: list[tuple[str, Series, str, float]],
    box: tuple[float, float, float, float],
    columns: int,
    title_size: int = 11,
) -> Option:
    """Small-multiple line charts: one grid per panel, one line per entry of ``lines``.

    Args:
        model: The model (gives the time axis).
        panels: The indicators to plot.
        lines: ``(name, series, colour, width)`` per line.
        box: Where the grids go (left, top, width, height, in % of the chart).
        columns: Grids per row.
        title_size: Font size of the panel titles.
    """
    start = model.spec.horizon.start_year
    end = start + model.spec.horizon.years
    grids = _grid_positions(len(panels), columns, box)
    titles, x_axes, y_axes, series = [], [], [], []
    for g, (panel, grid) in enumerate(zip(panels, grids, strict=True)):
        titles.append(
            {
                "text": panel.title,
                "left": grid["left"],
                "top": f"{float(grid['top'][:-1]) - 5:.1f}%",
                "textStyle": {"fontSize": title_size, "fontWeight": "normal"},
            }
        )
        x_axes.append(
            {
                "type": "time",
                "gridIndex": g,
                "min": int(_epoch_ms(start)),
                "max": int(_epoch_ms(end)),
                "splitNumber": 4,
                "axisLabel": {"fontSize": 9, "hideOverlap": True},
            }
        )
        y_axes.append(
            {
                "type": "value",
                "gridIndex": g,
                "scale": True,
                "axisLabel": {"fontSize": 9},
                "splitNumber": 3,
            }
        )
        for name, data, colour, width in lines:
            xs = _epoch_ms(_years(model, data["step"])).tolist()
            ys = data[panel.indicator] * panel.scale
            series.append(
                {
                    "type": "line",
                    "name": name,
                    "xAxisIndex": g,
                    "yAxisIndex": g,
                    "showSymbol": False,
                    "z": 3 if colour == LIVE_COLOUR else 2,
                    "lineStyle": {
                        "width": width,
                        "color": colour,
                        "opacity": 1.0 if colour == LIVE_COLOUR else 0.6,
                    },
                    "itemStyle": {"color": colour},
                    "data": [[x, float(f"{y:.6g}")] for x, y in zip(xs, ys, strict=True)],
                }
            )
    return {
        "grid": grids,
        "title": titles,
        "xAxis": x_axes,
        "yAxis": y_axes,
        "series": series,
        "useUTC": True,
    }


def indicators_option(model: IPModel, comparison: Mapping[str, Series] | None = None) -> Option:
    """The page's world indicators over time: the live run, and the strategies compared.

    Args:
        model: The live run (a thick black line).
        comparison: World series by strategy (a thin line each), from
            :func:`ipsim.viz.series.compare_strategies`.
    """
    lines = [
        (name, series, STRATEGY_COLOURS[i % len(STRATEGY_COLOURS)], 1.0)
        for i, (name, series) in enumerate((comparison or {}).items())
    ]
    live = f"live: {model.spec.programme.strategy}"
    lines.append((live, world_series(model), LIVE_COLOUR, 3.0))
    option = _panels(model, PANELS, lines, (0, 12, 100, 88), 3)
    option["title"].insert(
        0,
        {
            "text": "World indicators",
            "subtext": _when(model),
            "left": 8,
            "textStyle": {"fontSize": 14},
        },
    )
    option.update(
        {
            "animation": False,
            "tooltip": {"trigger": "axis"},
            "legend": {
                "data": [live, *(name for name, *_ in lines[:-1])],
                "top": 4,
                "right": 8,
                "textStyle": {"fontSize": 10},
                "type": "scroll",
                "width": "60%",
            },
        }
    )
    return option


def country_network_option(model: IPModel, country: int) -> Option:
    """One country zoomed in: its office and stakeholders, and their partnerships.

    The office is a square in the centre, the stakeholders a ring grouped by kind,
    coloured by expertise and sized by their patent filings in the last step; links are
    the partnerships inside the country, styled by type.

    Args:
        model: The model.
        country: Index of the country.
    """
    s = model.stakeholders
    n_c = model.n_countries
    lo, hi = int(s.start[country]), int(s.start[country + 1])
    pos = country_ring_positions(hi - lo)
    net = model.network
    actor = np.concatenate([[country], np.arange(lo, hi) + n_c])
    local = np.full(n_c + model.n_stakeholders, -1)
    local[actor] = np.arange(len(actor))
    keep = (local[net.u] >= 0) & (local[net.v] >= 0)
    a, b = local[net.u[keep]], local[net.v[keep]]
    types = net.link_type[keep]

    patents = model.stakeholder_patents[lo:hi].astype(float)
    expertise = model.stakeholder_expertise[lo:hi]
    sizes = _sizes(patents, max(float(patents.max()), 4.0), 5.0, 18.0)
    colours = _colour(expertise)
    kind = s.kind[lo:hi]
    office_e = float(model.office_expertise[country])
    nodes = [
        {
            "name": "office",
            "value": [0.0, 0.0],
            "symbol": "rect",
            "symbolSize": 18,
            "itemStyle": {
                "color": _colour(np.array([office_e]))[0],
                "borderColor": "#000000",
                "borderWidth": 1,
            },
            "label": {"show": True, "fontSize": 10},
            "tooltip": {"formatter": f"office: examiners' expertise {office_e:.3f}"},
        }
    ]
    for j in range(hi - lo):
        label = kinds.KIND_LABELS[int(kind[j])].replace("_", " ")
        nodes.append(
            {
                "name": f"{label} {lo + j}",
                "value": [round(float(pos[j + 1, 0]), 4), round(float(pos[j + 1, 1]), 4)],
                "symbolSize": round(float(sizes[j]), 1),
                "itemStyle": {"color": colours[j]},
                "label": {"show": False},
                "tooltip": {
                    "formatter": f"{label} (stands for {int(s.size[lo + j])} "
                    f"organisations)<br/>expertise {expertise[j]:.3f}<br/>"
                    f"patent filings this step {int(patents[j])}"
                },
            }
        )
    labels = []
    for k in np.unique(kind):
        members = np.flatnonzero(kind == k) + 1
        centre = pos[members].mean(axis=0)
        direction = centre / max(float(np.hypot(*centre)), 1e-9) * 1.3
        labels.append(
            {
                "name": kinds.KIND_LABELS[int(k)].replace("_", " "),
                "value": [round(float(direction[0]), 4), round(float(direction[1]), 4)],
            }
        )
    links: dict[str, list[dict[str, Any]]] = {t: [] for t in LINK_LABELS}
    for x, y, t in zip(a.tolist(), b.tolist(), types.tolist(), strict=True):
        links[LINK_LABELS[t]].append({"coords": _segment(pos[x], pos[y])})
    option = _node_link(
        nodes,
        labels,
        links,
        {"left": 10, "right": 60, "top": 56, "bottom": 30},
        (-1.55, 1.55, -1.45, 1.45),
    )
    option.update(
        {
            "animation": False,
            "title": {
                "text": f"{model.world.codes[country]}: office and stakeholders",
                "subtext": f"colour: expertise; size: patent filings; {_when(model)}",
                "left": 8,
                "textStyle": {"fontSize": 14},
            },
            "tooltip": {"trigger": "item"},
            "visualMap": _expertise_scale(),
        }
    )
    return option


def country_indicators_option(model: IPModel, country: int) -> Option:
    """One country's indicators over time (the country panel's small multiples).

    Args:
        model: The model.
        country: Index of the country.
    """
    code = str(model.world.codes[country])
    option = _panels(
        model,
        COUNTRY_PANELS,
        [(code, country_series(model, country), LIVE_COLOUR, 2.0)],
        (0, 0, 100, 100),
        3,
        10,
    )
    option.update({"animation": False, "tooltip": {"trigger": "axis"}})
    return option

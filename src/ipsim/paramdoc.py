"""Parameter tables for docs/MODEL.md, generated from the scenario schema.

``python -m ipsim.paramdoc docs/MODEL.md`` rewrites the part of the file between the
``<!-- parameters:start -->`` and ``<!-- parameters:end -->`` markers, so the documented
defaults and ranges are always those the code uses (a test checks it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel

from ipsim.registry import INTERVENTIONS
from ipsim.spec import (
    BudgetLine,
    Dynamics,
    EdgeWeights,
    Horizon,
    NetworkSpec,
    Output,
    Programme,
    Scenario,
    SyntheticWorld,
    WDIWorld,
)

START = "<!-- parameters:start -->"
END = "<!-- parameters:end -->"

SECTIONS: tuple[tuple[str, str, type[BaseModel]], ...] = (
    ("Scenario", "", Scenario),
    ("Horizon", "horizon.", Horizon),
    ("Synthetic world", "world.", SyntheticWorld),
    ("WDI world", "world.", WDIWorld),
    ("Partnership network", "world.network.", NetworkSpec),
    ("Link weights", "world.network.weights.", EdgeWeights),
    ("Dynamics", "dynamics.", Dynamics),
    ("Programme", "programme.", Programme),
    ("Budget lines", "programme.budget[].", BudgetLine),
    ("Output", "output.", Output),
)


def _range(field) -> str:
    lo = hi = None
    for item in field.metadata:
        if isinstance(item, Ge | Gt):
            lo = getattr(item, "ge", None) if isinstance(item, Ge) else item.gt
        if isinstance(item, Le | Lt):
            hi = getattr(item, "le", None) if isinstance(item, Le) else item.lt
    if lo is None and hi is None:
        return ""

    def show(x: float | None) -> str:
        if x is None:
            return ""
        return f"{x:,}" if isinstance(x, int) else f"{x:g}"

    return f"[{show(lo)}, {show(hi)}]"


def _default(field) -> str:
    if field.is_required():
        return "(required)"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "(see below)"
    if isinstance(value, tuple) and value and isinstance(value[0], BaseModel):
        return f"{len(value)} entries"
    if isinstance(value, float):
        return f"{value:g}"
    return f"`{value}`" if value not in (None, "") else "none"


def _table(prefix: str, model: type[BaseModel]) -> list[str]:
    lines = ["| parameter | default | range | meaning (unit, source) |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        text = (field.description or "").replace("|", "/").replace("\n", " ")
        lines.append(f"| `{prefix}{name}` | {_default(field)} | {_range(field)} | {text} |")
    return lines


def parameter_tables() -> str:
    """Markdown tables of every scenario parameter and every intervention's parameters."""
    out: list[str] = [START, ""]
    for title, prefix, model in SECTIONS:
        out += [f"### {title}", "", *_table(prefix, model), ""]
    out += [
        "### Interventions",
        "",
        "| type | unit | default unit cost (USD) | eases | what it does |",
        "|---|---|---|---|---|",
    ]
    for name, cls in INTERVENTIONS.items():
        if cls.__module__.startswith("ipsim."):
            out.append(
                f"| `{name}` | {cls.unit} | {cls.default_unit_cost_usd:,.0f} | "
                f"{cls.constraint} | {cls.description} |"
            )
    out.append("")
    for name, cls in INTERVENTIONS.items():
        if cls.__module__.startswith("ipsim.") and cls.Params.model_fields:
            out += [f"#### `{name}` parameters (`params:`)", "", *_table("", cls.Params), ""]
    out.append(END)
    return "\n".join(out)


def update(path: Path) -> bool:
    """Rewrite the tables in ``path``; return True if the file changed."""
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    new = head + parameter_tables() + tail
    if new != text:
        path.write_text(new, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":
    changed = update(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/MODEL.md"))
    print("updated" if changed else "up to date")

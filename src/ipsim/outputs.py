"""Writing a finished experiment to a results folder, atomically.

Everything is written to a temporary folder beside the destination and moved into
place when complete, so an interrupted run never leaves a folder that looks finished.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import yaml
from pyarrow import csv as pa_csv

from ipsim.errors import IpsimError
from ipsim.model import IPModel
from ipsim.network import LINK_LABELS
from ipsim.spec import Scenario

RUNS_FILE = "runs.csv"
METRICS_FILE = "metrics.csv"
LINKS_FILE = "network_links.csv"
IMPUTED_FILE = "imputed.csv"
SCENARIO_FILE = "scenario.yaml"
META_FILE = "meta.json"
FINISHED_MARK = ".complete"


def country_links(model: IPModel) -> pd.DataFrame:
    """Links between countries (summed weights of actor links), by type."""
    net = model.network
    a = model.actor_country[net.u]
    b = model.actor_country[net.v]
    cross = a != b
    codes = model.world.codes
    frame = pd.DataFrame(
        {
            "source": codes[np.minimum(a, b)[cross]],
            "target": codes[np.maximum(a, b)[cross]],
            "type": np.asarray(LINK_LABELS, dtype=object)[net.link_type[cross]],
            "weight": net.weight[cross],
        }
    )
    return frame.groupby(["source", "target", "type"], as_index=False)["weight"].sum()


def imputed_values(model: IPModel) -> pd.DataFrame:
    """One row per (country, covariate) whose start value was imputed, not reported."""
    world = model.world
    rows = [
        {"entity": str(world.codes[c]), "indicator": name, "year_imputed_for": None}
        for name, flags in world.imputed.items()
        for c in np.flatnonzero(flags)
    ]
    frame = pd.DataFrame(rows, columns=["entity", "indicator", "year_imputed_for"])
    year = getattr(model.spec.world, "year", None)
    frame["year_imputed_for"] = year
    return frame


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a large table as CSV quickly (Arrow's writer; quotes only where needed)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pa_csv.write_csv(table, path, pa_csv.WriteOptions(quoting_style="needed"))


def check_destination(out: Path, force: bool) -> None:
    """Refuse to overwrite an existing results folder unless ``force``."""
    if out.exists() and not force:
        raise IpsimError(
            f"{out}: results folder already exists; choose another with --out, or pass "
            "--force to replace it"
        )
    if out.exists() and not out.is_dir():
        raise IpsimError(f"{out}: exists and is not a folder")


def write_results(
    out: Path,
    spec: Scenario,
    runs: pd.DataFrame,
    metrics: pd.DataFrame,
    *,
    force: bool = False,
    meta: dict | None = None,
) -> Path:
    """Write tables, figures and the report to ``out``, atomically.

    The summary, figures and report are built from the written tables (as
    ``ipsim report`` does), so what a run shows and what a rebuild shows agree.

    Args:
        out: Destination folder.
        spec: The scenario that was run.
        runs: The runs table.
        metrics: The metrics table.
        force: Replace an existing folder.
        meta: Extra facts to record in ``meta.json`` (command, timings...).

    Returns:
        The destination folder.
    """
    from ipsim.report import build_report

    out = Path(out)
    check_destination(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        runs.to_csv(staging / RUNS_FILE, index=False)
        write_csv(metrics, staging / METRICS_FILE)
        model = IPModel(spec)
        country_links(model).to_csv(staging / LINKS_FILE, index=False, float_format="%.6g")
        imputed = imputed_values(model)
        if not imputed.empty:
            imputed.to_csv(staging / IMPUTED_FILE, index=False)
        (staging / SCENARIO_FILE).write_text(
            yaml.safe_dump(spec.model_dump(mode="json"), sort_keys=False), encoding="utf-8"
        )
        (staging / META_FILE).write_text(
            json.dumps(meta or {}, indent=2, default=str), encoding="utf-8"
        )
        build_report(staging)
        (staging / FINISHED_MARK).write_text("", encoding="utf-8")
        if out.exists():
            trash = out.with_name(f".{out.name}.old-{os.getpid()}")
            out.rename(trash)
            staging.rename(out)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out

"""A sweep's results on disk: Parquet files written as runs finish, safe to resume.

Layout of a store folder::

    sweep.json                    what the sweep is (a resumed sweep must match it)
    design.parquet                the design points
    runs/part-000000.parquet      one row per finished run, a file per batch
    metrics/part-000000.parquet   the same batch's metrics rows

A batch is committed in two atomic renames: metrics first, then runs. A run is
finished when its row is in a committed runs file; a metrics file without its runs
file (the process died between the two renames) is removed when the store is opened
again. So a sweep killed at any moment loses at most the batch in memory, and resuming
neither loses nor duplicates a run. Memory stays bounded: only the current batch is
held, and tables are read back with pyarrow (optionally a few columns or rows).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ipsim.errors import IpsimError
from ipsim.runner import RUN_COLUMNS

MANIFEST = "sweep.json"
DESIGN = "design.parquet"

METRICS_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("scenario", pa.string()),
        ("strategy", pa.string()),
        ("replicate", pa.int64()),
        ("step", pa.int64()),
        ("year", pa.float64()),
        ("entity", pa.string()),
        ("indicator", pa.string()),
        ("value", pa.float64()),
    ]
)
_RUN_TYPES = {
    "run_id": pa.string(),
    "scenario": pa.string(),
    "strategy": pa.string(),
    "replicate": pa.int64(),
    "seed": pa.int64(),
    "status": pa.string(),
    "error": pa.string(),
    "wall_seconds": pa.float64(),
}


def runs_schema(design_points: pd.DataFrame) -> pa.Schema:
    """The runs table's schema: the runner's columns, ``point``, then the parameters."""
    fields = [pa.field(c, _RUN_TYPES[c]) for c in RUN_COLUMNS]
    fields.append(pa.field("point", pa.int64()))
    params = pa.Schema.from_pandas(design_points, preserve_index=False)
    fields.extend(params.field(name) for name in params.names)
    return pa.schema(fields)


class SweepStore:
    """A folder of Parquet files holding one sweep's results.

    Args:
        path: The folder (created if missing).
        flush_seconds: Most seconds finished runs wait in memory before being written
            (also written every 500 runs); what a killed sweep can lose at most.
    """

    def __init__(self, path: str | Path, flush_seconds: float = 5.0):
        self.path = Path(path)
        self.flush_seconds = flush_seconds
        self.runs_dir = self.path / "runs"
        self.metrics_dir = self.path / "metrics"

    # -- opening ---------------------------------------------------------------
    def open(self, manifest: dict[str, Any], design_points: pd.DataFrame) -> None:
        """Create the store, or check that it holds this same sweep and tidy it.

        Raises:
            IpsimError: If the folder holds a different sweep, or is not a store.
        """
        manifest = json.loads(json.dumps(manifest, default=str))
        file = self.path / MANIFEST
        if file.exists():
            try:
                stored = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as err:
                raise IpsimError(f"{file}: not a readable sweep manifest ({err})") from None
            differ = sorted(
                k for k in set(stored) | set(manifest) if stored.get(k) != manifest.get(k)
            )
            if differ:
                raise IpsimError(
                    f"{self.path} holds a different sweep ({', '.join(differ)} differ); "
                    "resume it with the same settings, or use another store folder (or "
                    "delete this one to start again)"
                )
            self._tidy()
            return
        if self.path.exists() and any(self.path.iterdir()):
            raise IpsimError(
                f"{self.path} exists and is not a sweep store; choose an empty or new folder"
            )
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.metrics_dir.mkdir(parents=True, exist_ok=True)
        _atomic_parquet(
            pa.Table.from_pandas(design_points.reset_index(), preserve_index=False),
            self.path / DESIGN,
        )
        _atomic_text(json.dumps(manifest, indent=2, sort_keys=True), file)

    def _tidy(self) -> None:
        """Remove temporary files and metrics whose runs file was never committed."""
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.metrics_dir.mkdir(parents=True, exist_ok=True)
        for folder in (self.runs_dir, self.metrics_dir):
            for tmp in folder.glob("*.tmp"):
                tmp.unlink()
        committed = {p.name for p in self.runs_dir.glob("part-*.parquet")}
        for orphan in self.metrics_dir.glob("part-*.parquet"):
            if orphan.name not in committed:
                orphan.unlink()

    # -- writing ---------------------------------------------------------------
    def _next_part(self) -> str:
        numbers = [int(p.stem.split("-")[1]) for p in self.runs_dir.glob("part-*.parquet")]
        return f"part-{max(numbers, default=-1) + 1:06d}.parquet"

    def write_batch(self, runs: pd.DataFrame, metrics: pd.DataFrame, schema: pa.Schema) -> None:
        """Commit one batch: its metrics, then its runs rows."""
        if runs.empty:
            return
        name = self._next_part()
        table = (
            pa.Table.from_pandas(metrics, schema=METRICS_SCHEMA, preserve_index=False)
            if not metrics.empty
            else METRICS_SCHEMA.empty_table()
        )
        _atomic_parquet(table, self.metrics_dir / name)
        _atomic_parquet(
            pa.Table.from_pandas(runs, schema=schema, preserve_index=False), self.runs_dir / name
        )

    # -- reading ---------------------------------------------------------------
    def manifest(self) -> dict[str, Any]:
        """The stored description of the sweep."""
        return json.loads((self.path / MANIFEST).read_text(encoding="utf-8"))

    def design(self) -> pd.DataFrame:
        """The design points, indexed by ``point``."""
        return pd.read_parquet(self.path / DESIGN).set_index("point")

    def finished(self) -> set[str]:
        """Ids of the runs already in the store (finished or failed)."""
        files = sorted(self.runs_dir.glob("part-*.parquet"))
        ids: set[str] = set()
        for f in files:
            ids.update(pq.read_table(f, columns=["run_id"]).column("run_id").to_pylist())
        return ids

    def runs(self) -> pd.DataFrame:
        """Every stored run row, in the order of the plan (point, strategy, replicate)."""
        files = sorted(self.runs_dir.glob("part-*.parquet"))
        if not files:
            return pd.DataFrame(columns=[*RUN_COLUMNS, "point"])
        table = pd.concat([pq.read_table(f).to_pandas() for f in files], ignore_index=True)
        order = _plan_order(self.manifest())
        table["_order"] = table["strategy"].map(order)
        return (
            table.sort_values(["point", "_order", "replicate"], kind="stable")
            .drop(columns="_order")
            .reset_index(drop=True)
        )

    def metrics(
        self,
        columns: Sequence[str] | None = None,
        *,
        indicators: Sequence[str] | None = None,
        entities: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """The metrics rows, sorted as the runs table, optionally a subset.

        Args:
            columns: Columns to read (default: all).
            indicators: Keep only these indicators.
            entities: Keep only these entities (e.g. ``["WORLD"]``).
        """
        files = sorted(self.metrics_dir.glob("part-*.parquet"))
        wanted = list(columns) if columns is not None else METRICS_SCHEMA.names
        needed = list(dict.fromkeys([*wanted, "run_id"]))
        filters: list[tuple[str, str, list[str]]] = []
        if indicators is not None:
            filters.append(("indicator", "in", list(indicators)))
        if entities is not None:
            filters.append(("entity", "in", list(entities)))
        tables = [pq.read_table(f, columns=needed, filters=filters or None) for f in files]
        if not tables:
            return METRICS_SCHEMA.empty_table().to_pandas()[wanted]
        table = pa.concat_tables(tables).to_pandas()
        rank = {run_id: i for i, run_id in enumerate(self.runs()["run_id"])}
        table["_rank"] = table["run_id"].map(rank)
        table = table.sort_values("_rank", kind="stable").drop(columns="_rank")
        return table[wanted].reset_index(drop=True)


def _plan_order(manifest: dict[str, Any]) -> dict[str, int]:
    return {name: i for i, name in enumerate(manifest.get("strategies", []))}


def _atomic_parquet(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    _fsync(tmp)
    os.replace(tmp, path)


def _atomic_text(text: str, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    _fsync(tmp)
    os.replace(tmp, path)


def _fsync(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())

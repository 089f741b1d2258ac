"""A batch's results on disk: one Parquet file per finished run, written atomically.

Layout of a batch folder::

    manifest.json            the batch: resolved scenarios, overrides, design, seeds, versions
    design.parquet           one row per design point and its parameter values
    summary.parquet          one row per run of the batch (gathered from runs/summary)
    runs/summary/KEY.parquet     one row: parameters, seed, outcomes
    runs/timeseries/KEY.parquet  the run's model-level series, one row per step
    runs/events/KEY.parquet      the run's event log
    runs/failed/KEY.parquet      a run that raised: parameters, seed and the error
    superseded/CODE/         the runs of an earlier version of the model, set aside

A run's summary file is written last, so its presence means the run is complete; a restart
skips every key that has one. Temporary files start with a dot, which Parquet readers skip,
and are renamed into place (``experiment_tooling.md`` §5).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from .output import atomic_write

TABLES = ("summary", "timeseries", "events", "failed")


class StoreError(ValueError):
    """A batch folder that cannot be read or does not match the batch asked for."""


class ResultStore:
    """The files of one batch folder."""

    def __init__(self, root: str | Path):
        self.root = Path(root)
        self.runs = self.root / "runs"
        self.set_aside_keys: list[str] = []  # damaged runs moved aside in this session

    def table_dir(self, table: str) -> Path:
        """Folder of one table's per-run files."""
        return self.runs / table

    def prepare(self) -> None:
        """Create the folders and remove temporary files a crash left behind."""
        for table in TABLES:
            folder = self.table_dir(table)
            folder.mkdir(parents=True, exist_ok=True)
            for stale in folder.glob(".*.tmp"):
                stale.unlink(missing_ok=True)

    def finished_keys(self) -> set[str]:
        """Keys of the runs whose results are complete and readable on disk.

        A run whose summary, series or events cannot be read (cut short by a full disk, a
        copy gone wrong) is moved aside into ``runs/damaged/`` and logged there, so that it
        runs again.
        """
        keys = set()
        for path in sorted(self.table_dir("summary").glob("*.parquet")):
            key = path.stem
            files = [self.table_dir(t) / f"{key}.parquet" for t in ("summary", "timeseries",
                                                                   "events")]
            fault = next((f"{f.parent.name}/{f.name}: {why}" for f in files
                          for why in [_unreadable(f)] if why), None)
            if fault is None:
                keys.add(key)
            else:
                self.set_aside(key, fault)
        return keys

    def set_aside(self, key: str, fault: str) -> None:
        """Move a damaged run's files into ``runs/damaged/`` and log why in its log."""
        damaged = self.runs / "damaged"
        damaged.mkdir(parents=True, exist_ok=True)
        for table in ("summary", "timeseries", "events"):
            path = self.table_dir(table) / f"{key}.parquet"
            if path.exists():
                path.replace(damaged / f"{key}.{table}.parquet")
        with open(damaged / "damaged.log", "a", encoding="utf-8") as log:
            log.write(f"{dt.datetime.now(dt.UTC).isoformat(timespec='seconds')} {key}: {fault}; "
                      "set aside to run again\n")
        self.set_aside_keys.append(key)

    def set_aside_version(self, code: str) -> Path:
        """Move the runs of another version of the model into ``superseded/CODE/``.

        Their keys are not this version's, so none would be reused; they are kept, not deleted.
        A version set aside before (the folder went back and forth between two versions) goes
        to ``superseded/CODE.2/`` and so on.
        """
        target, copy = self.root / "superseded" / code, 1
        while target.exists():
            copy += 1
            target = self.root / "superseded" / f"{code}.{copy}"
        target.mkdir(parents=True)
        for name in ("runs", "manifest.json", "design.parquet", "summary.parquet"):
            if (self.root / name).exists():
                (self.root / name).replace(target / name)
        self.prepare()
        return target

    def write_run(self, key: str, row: dict, timeseries: pd.DataFrame,
                  events: pd.DataFrame) -> None:
        """Store a finished run; its summary row goes last and marks it complete."""
        _write_frame(self.table_dir("timeseries") / f"{key}.parquet", timeseries)
        _write_frame(self.table_dir("events") / f"{key}.parquet", events)
        _write_frame(self.table_dir("summary") / f"{key}.parquet", pd.DataFrame([row]))
        (self.table_dir("failed") / f"{key}.parquet").unlink(missing_ok=True)

    def write_failure(self, key: str, row: dict) -> None:
        """Store a run that raised: its parameters, seed and error."""
        _write_frame(self.table_dir("failed") / f"{key}.parquet", pd.DataFrame([row]))

    def write_manifest(self, manifest: dict) -> None:
        """Write manifest.json."""
        text = json.dumps(manifest, indent=2, default=str) + "\n"
        atomic_write(self.root / "manifest.json",
                     lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))

    def read_manifest(self) -> dict | None:
        """The manifest of an earlier batch in this folder, if any."""
        path = self.root / "manifest.json"
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise StoreError(f"{path}: not valid JSON ({exc})") from None

    def write_design(self, design: pd.DataFrame) -> None:
        """Write design.parquet, the table of design points."""
        _write_frame(self.root / "design.parquet", design)

    def gather_summary(self, keys: list[str], rows_of: list[dict] | None = None
                       ) -> pd.DataFrame:
        """summary.parquet: one row per run of the batch, finished or failed, in batch order.

        ``rows_of`` gives each run's own design columns (point, replicate, parameters): two
        identical design points share one stored run but keep a row each. Numbers of one
        column share one type. Runs not yet done (an interrupted batch) are left out;
        re-running completes them.
        """
        rows = []
        for i, key in enumerate(keys):
            done = self.table_dir("summary") / f"{key}.parquet"
            failed = self.table_dir("failed") / f"{key}.parquet"
            path = done if done.exists() else failed if failed.exists() else None
            if path is None:
                continue
            row = pq.read_table(path).to_pylist()[0]
            if rows_of is not None:
                row.update(rows_of[i])
            rows.append(row)
        frame = pd.DataFrame(rows)
        for column in frame.columns:  # whole numbers and fractions of one column: fractions
            kinds = {type(v) for v in frame[column] if v is not None and v == v}
            if kinds == {int, float}:
                frame[column] = frame[column].astype(float)
        _write_frame(self.root / "summary.parquet", frame)
        return frame


def _unreadable(path: Path) -> str | None:
    """Why a Parquet file cannot be read, or None if it can."""
    if not path.exists():
        return "missing"
    try:
        pq.read_metadata(path)
    except (OSError, pa.ArrowException) as exc:
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return None


def _write_frame(path: Path, frame: pd.DataFrame) -> None:
    atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))


def _read_folder(folder: Path, keys: set[str] | None = None) -> pd.DataFrame:
    """The Parquet files of a folder (of the runs ``keys`` only) as one frame, columns united."""
    files = sorted(str(p) for p in folder.glob("*.parquet") if keys is None or p.stem in keys)
    if not files:
        return pd.DataFrame()
    schema = pa.unify_schemas([pq.read_schema(f) for f in files], promote_options="permissive")
    return ds.dataset(files, schema=schema, format="parquet").to_table().to_pandas()


@dataclass
class BatchResults:
    """The results of a batch folder, each table loaded on first use."""

    root: Path

    @cached_property
    def summary(self) -> pd.DataFrame:
        """One row per run: its parameters, seed, status and outcomes."""
        path = self.root / "summary.parquet"
        return pd.read_parquet(path) if path.exists() else _read_folder(
            self.root / "runs" / "summary")

    @cached_property
    def timeseries(self) -> pd.DataFrame:
        """The model-level series of every finished run of the summary, keyed by ``key``."""
        return _read_folder(self.root / "runs" / "timeseries", self._keys)

    @cached_property
    def events(self) -> pd.DataFrame:
        """The event logs of every finished run of the summary, keyed by ``key``."""
        return _read_folder(self.root / "runs" / "events", self._keys)

    @property
    def _keys(self) -> set[str] | None:
        """The runs of the batch (a folder may hold files another batch left there)."""
        summary = self.summary
        return set(summary["key"]) if "key" in summary else None

    @cached_property
    def failures(self) -> pd.DataFrame:
        """The runs that raised, with their errors."""
        return _read_folder(self.root / "runs" / "failed")

    @cached_property
    def design(self) -> pd.DataFrame:
        """One row per design point."""
        return pd.read_parquet(self.root / "design.parquet")

    @cached_property
    def manifest(self) -> dict:
        """The batch's manifest."""
        return json.loads((self.root / "manifest.json").read_text(encoding="utf-8"))


def load_batch(root: str | Path) -> BatchResults:
    """Open a batch folder; ``.summary``, ``.timeseries``, ``.events`` load with one call each."""
    root = Path(root)
    if not (root / "manifest.json").exists():
        raise StoreError(f"{root}: no manifest.json; not a batch folder")
    return BatchResults(root)

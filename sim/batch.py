"""Batches: scenarios x design points x seeds, on any ``concurrent.futures`` executor.

:func:`plan_batch` turns a batch definition (scenario files, ``--set`` overrides, sweeps,
sampled ranges, number of seeds) into design points and runs, each with a content-hash key.
:func:`execute` sends the runs not yet on disk to an executor (a local process pool, or a Dask
cluster through ``Client.get_executor``) in groups, and stores each group's runs the moment
it returns, so an interrupted batch loses at most the groups in flight. Results are the same
whatever the executor and the number of workers: each run depends only on its scenario and
its seed, and seeds come from numpy's ``SeedSequence``.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import math
import multiprocessing
import os
import platform
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import designs
from .runner import (
    RunSpec,
    code_version,
    derive_seed,
    run_group,
    run_key,
    scenario_digest,
)
from .scenario import Scenario, ScenarioError, load_scenario
from .store import ResultStore, StoreError

VERSIONED_PACKAGES = ("kalbajar-sim", "mesa", "numpy", "scipy", "pandas", "pyarrow",
                      "pydantic", "networkx", "dask", "distributed", "SALib")


@dataclass
class BatchDefinition:
    """What a batch command asks for; the same definition always gives the same runs."""

    scenarios: list[Path]
    runs: int = 10
    seed: int = 0
    overrides: list[str] = field(default_factory=list)
    sweeps: list[str] = field(default_factory=list)
    design: str = "grid"
    samples: int = 0
    ranges: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The definition as plain data, for the manifest."""
        return {"scenarios": [str(p) for p in self.scenarios], "runs": self.runs,
                "seed": self.seed, "overrides": list(self.overrides),
                "sweeps": list(self.sweeps), "design": self.design,
                "samples": self.samples, "ranges": list(self.ranges)}


@dataclass
class DesignPoint:
    """One scenario with one set of design values."""

    index: int
    scenario_file: Path
    scenario: Scenario
    overrides: list[str]
    parameters: dict[str, Any]


@dataclass
class Batch:
    """A planned batch: its points, its runs and the sampled design matrix (if any)."""

    definition: BatchDefinition
    points: list[DesignPoint]
    runs: list[RunSpec]
    code: str
    ranges: list[designs.Range] = field(default_factory=list)
    matrix: np.ndarray | None = None

    @property
    def parameter_names(self) -> list[str]:
        """Columns that tell design points apart."""
        names = ["scenario_file"] if len(self.definition.scenarios) > 1 else []
        for point in self.points[:1]:
            names += [k for k in point.parameters if k != "scenario_file"]
        return names

    def design_frame(self) -> pd.DataFrame:
        """One row per design point with its values."""
        return pd.DataFrame([{"point": p.index, "scenario": p.scenario.name,
                              **_plain(p.parameters)} for p in self.points])


def plan_batch(definition: BatchDefinition) -> Batch:
    """Resolve the scenarios and the design into points and seeded, keyed runs.

    Every point's scenario is loaded and validated here, before any run starts, so a bad
    value fails at once with the file and key it came from.
    """
    if definition.runs < 1:
        raise ScenarioError(f"--runs {definition.runs}: expected at least one run per point")
    sweeps = [designs.parse_sweep(item) for item in definition.sweeps]
    grid = designs.factorial(sweeps)
    ranges = [designs.parse_range(item) for item in definition.ranges]
    matrix = None
    sampled: list[dict[str, Any]] = [{}]
    if definition.design != "grid":
        matrix, sampled = designs.sample(definition.design, ranges, definition.samples,
                                         definition.seed)
    elif ranges:
        raise ScenarioError("--range needs --design lhs, morris or sobol")
    if matrix is not None and len(grid) > 1 and definition.design in ("morris", "sobol"):
        raise ScenarioError(f"--design {definition.design} cannot be combined with --sweep: "
                            "the sensitivity analysis needs its own sample alone")
    named = [Path(f).resolve() for f in definition.scenarios]
    twice = sorted({str(f) for f in named if named.count(f) > 1})
    if twice:
        raise ScenarioError(f"{', '.join(twice)}: named more than once; expected each scenario "
                            "once (its runs would be the same)")
    code = code_version()
    points: list[DesignPoint] = []
    for scenario_file in definition.scenarios:
        for swept in grid:
            for drawn in sampled:
                values = {**swept, **drawn}
                overrides = [*definition.overrides,
                             *(designs.as_override(k, v) for k, v in values.items())]
                scenario = load_scenario(scenario_file, overrides)
                parameters = {"scenario_file": str(scenario_file), **values}
                points.append(DesignPoint(len(points), Path(scenario_file), scenario,
                                          overrides, parameters))
    seeds = [derive_seed(definition.seed, i) for i in range(definition.runs)]
    runs = []
    for point in points:
        digest = scenario_digest(point.scenario)
        for replicate, seed in enumerate(seeds):
            runs.append(RunSpec(run_key(digest, point.overrides, seed, code), point.index,
                                replicate, seed, point.parameters))
    return Batch(definition, points, runs, code, ranges, matrix)


@dataclass
class BatchReport:
    """How a batch call ended."""

    total: int
    skipped: int = 0
    shared: int = 0  # runs of identical design points, done once for all of them
    finished: int = 0
    failed: int = 0
    aborted: int = 0
    interrupted: bool = False
    seconds: float = 0.0
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def complete(self) -> bool:
        """Every run of the batch has a result (finished or recorded as failed)."""
        return not self.interrupted and not self.aborted


def group_size(runs: int, workers: int) -> int:
    """Runs per task: enough tasks for every worker to stay busy, at most 8 runs each.

    A historical replay takes about a second, so a task of one run already dwarfs the
    executor's per-task cost; short scenarios get grouped up to 8 runs.
    """
    return max(1, min(8, math.ceil(runs / (workers * 16))))


def execute(batch: Batch, store: ResultStore, executor: cf.Executor, workers: int,
            group: int | None = None, progress: bool = True) -> BatchReport:
    """Run what is not yet stored, storing each group as it returns.

    A run that raises is stored with its error; a worker that dies takes only its group's
    runs, which count as aborted and run again next time. Ctrl-C stops the batch after
    storing what has finished.
    """
    from tqdm import tqdm

    started = time.perf_counter()
    store.prepare()
    _check_manifest(batch, store)
    store.write_design(batch.design_frame())
    store.write_manifest(manifest(batch, workers))
    done = store.finished_keys()
    if store.set_aside_keys and progress:
        print(f"{len(store.set_aside_keys)} damaged run files set aside in "
              f"{store.runs / 'damaged'}; those runs go again", file=sys.stderr)
    todo = list({spec.key: spec for spec in batch.runs if spec.key not in done}.values())
    unique = len({spec.key for spec in batch.runs})
    report = BatchReport(total=len(batch.runs), skipped=unique - len(todo),
                         shared=len(batch.runs) - unique)
    # identical design points share their runs: a run done stands for all its points
    size = group or group_size(len(todo), workers)
    tasks = list(_groups(todo, size))
    window = max(2 * workers, 4)
    pending: dict[cf.Future, list[RunSpec]] = {}
    bar = tqdm(total=unique, initial=report.skipped, desc="batch", unit="run",
               disable=not progress, dynamic_ncols=True)
    task_iter = iter(tasks)
    try:
        while True:
            while len(pending) < window:
                task = next(task_iter, None)
                if task is None:
                    break
                point = batch.points[task[0].point]
                try:
                    pending[executor.submit(run_group, point.scenario, task)] = task
                except cf.BrokenExecutor:  # the pool died: what is left runs next time
                    lost = len(task) + sum(len(t) for t in task_iter)
                    report.aborted += lost
                    bar.update(lost)
                    break
            if not pending:
                break
            finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for future in finished:
                task = pending.pop(future)
                try:
                    outcomes = future.result()
                except Exception:  # noqa: BLE001 - a lost worker: these runs go again later
                    report.aborted += len(task)
                    bar.update(len(task))
                    continue
                for spec, outcome in outcomes:
                    _store_outcome(store, batch, spec, outcome, report)
                bar.update(len(task))
                bar.set_postfix(failed=report.failed, refresh=False)
    except KeyboardInterrupt:
        report.interrupted = True
        for future in pending:
            future.cancel()
    finally:
        bar.close()
    report.summary = store.gather_summary(
        [spec.key for spec in batch.runs],
        [{"point": spec.point, "replicate": spec.replicate, **_plain(spec.parameters)}
         for spec in batch.runs])
    report.seconds = time.perf_counter() - started
    return report


def _groups(runs: list[RunSpec], size: int) -> Iterator[list[RunSpec]]:
    """Runs grouped by design point, ``size`` at a time (one scenario object per task)."""
    by_point: dict[int, list[RunSpec]] = {}
    for spec in runs:
        by_point.setdefault(spec.point, []).append(spec)
    for specs in by_point.values():
        for start in range(0, len(specs), size):
            yield specs[start:start + size]


def _store_outcome(store, batch, spec, outcome, report) -> None:
    point = batch.points[spec.point]
    meta = {"key": spec.key, "point": spec.point, "replicate": spec.replicate,
            **_plain(point.parameters), "seed": spec.seed}
    if isinstance(outcome, str):
        store.write_failure(spec.key, {**meta, "scenario": point.scenario.name,
                                       "status": "failed", "error": outcome})
        report.failed += 1
        return
    row = {**meta, **outcome.row, "seed": spec.seed, "status": "ok", "error": "",
           "seconds": round(outcome.seconds, 3)}
    ids = {"key": spec.key, "point": spec.point, "seed": spec.seed}
    store.write_run(spec.key, row, outcome.timeseries.assign(**ids),
                    outcome.events.assign(**ids))
    report.finished += 1


def _plain(parameters: dict[str, Any]) -> dict[str, Any]:
    """Design values as Parquet-friendly scalars (dates as ISO text)."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in parameters.items()}


def manifest(batch: Batch, workers: int) -> dict:
    """What the batch is, fully resolved, and what it ran on."""
    versions = {}
    for name in VERSIONED_PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[name] = metadata.version(name)
    scenarios = {}
    for point in batch.points:
        name = str(point.scenario_file)
        if name not in scenarios:
            base = load_scenario(point.scenario_file, batch.definition.overrides)
            scenarios[name] = base.model_dump(mode="json")
    return {
        "definition": batch.definition.as_dict(),
        "points": len(batch.points),
        "runs": len(batch.runs),
        "seeds": sorted({spec.seed for spec in batch.runs}),
        "code_version": batch.code,
        "python": platform.python_version(),
        "versions": versions,
        "workers": workers,
        "written": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "resolved_scenarios": scenarios,
        "point_overrides": [p.overrides for p in batch.points],
    }


def _check_manifest(batch: Batch, store: ResultStore) -> None:
    """Refuse to mix two different batches in one folder; set aside another model's runs."""
    earlier = store.read_manifest()
    if earlier is None:
        return
    if earlier.get("definition") != batch.definition.as_dict():
        raise StoreError(f"{store.root}: holds a different batch (see its manifest.json); "
                         "choose another --out folder")
    code = earlier.get("code_version", batch.code)
    if code != batch.code:
        moved = store.set_aside_version(code)
        print(f"{store.root}: the runs of another version of the model (code_version {code}) "
              f"were moved to {moved}; this batch runs afresh", file=sys.stderr)


SCHEDULER_TIMEOUT_S = 5  # a scheduler that has not answered by then is not there


@contextlib.contextmanager
def open_executor(workers: int | None = None, scheduler: str | None = None,
                  dask: str | None = None) -> Iterator[tuple[cf.Executor, int]]:
    """An executor and its number of workers.

    The default is a local process pool (spawned workers, nothing shared with the parent).
    ``dask="local"`` starts a Dask ``LocalCluster``; ``scheduler="tcp://host:8786"`` sends
    the same tasks to a running Dask cluster, whose workers need this package installed.
    """
    workers = workers or os.cpu_count() or 1
    if scheduler or dask:
        if dask not in (None, "local"):
            raise ScenarioError(f"--dask {dask!r}: expected 'local'")
        from dask.distributed import Client, LocalCluster

        cluster = None if scheduler else LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        try:
            client = Client(scheduler or cluster, timeout=SCHEDULER_TIMEOUT_S)
        except (OSError, TimeoutError) as exc:
            if cluster is not None:
                cluster.close()
            raise ScenarioError(f"--scheduler {scheduler}: no Dask scheduler answered within "
                                f"{SCHEDULER_TIMEOUT_S} s ({type(exc).__name__}); expected "
                                "tcp://HOST:PORT of a running scheduler") from None
        try:
            yield client.get_executor(pure=False), max(sum(client.nthreads().values()), 1)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        return
    context = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield pool, workers


def default_outcomes(summary: pd.DataFrame, scenario: Scenario) -> list[str]:
    """The main outcomes: each side's dead, cold dead and encircled units, closest approach."""
    names = [f"{side}_{what}" for side in scenario.sides
             for what in ("dead", "cold_dead", "hypothermia_dead", "dead_unevacuated",
                          "encircled_units")]
    names.append("closest_approach_km")
    return [n for n in names if n in summary]


def outcome_table(summary: pd.DataFrame, outcomes: list[str],
                  by: list[str]) -> pd.DataFrame:
    """Median and 5-95 % range of each outcome per design point."""
    ok = summary[summary["status"] == "ok"]
    if ok.empty:
        return pd.DataFrame()
    keys = ["point", *[b for b in by if b in ok]]
    rows = []
    for values, group in ok.groupby(keys, sort=True, dropna=False):
        row = dict(zip(keys, values if isinstance(values, tuple) else (values,)))
        row["runs"] = len(group)
        for outcome in outcomes:
            series = pd.to_numeric(group[outcome], errors="coerce").dropna()
            if series.empty:
                continue
            row[f"{outcome}_median"] = series.median()
            row[f"{outcome}_p05"] = series.quantile(0.05)
            row[f"{outcome}_p95"] = series.quantile(0.95)
        rows.append(row)
    return pd.DataFrame(rows)


def format_outcome_table(table: pd.DataFrame, outcomes: list[str], by: list[str]) -> str:
    """The outcome table as text: one line per design point, median [5-95 %] per outcome."""
    if table.empty:
        return "no finished runs"
    shown = [o for o in outcomes if f"{o}_median" in table]
    labels = [b for b in by if b in table]
    label_width = {b: max(12, len(_short(b)) + 2) for b in labels}
    width = {o: max(20, len(_short(o)) + 2) for o in shown}
    head = "".join(f"{_short(b):>{label_width[b]}}" for b in labels)
    lines = [f"{'point':>5}{head}{'runs':>6}" + "".join(f"{_short(o):>{width[o]}}"
                                                        for o in shown)]
    lines.append(" " * 11 + "".join(" " * label_width[b] for b in labels)
                 + "median [5-95 %] over seeds".rjust(sum(width.values())))
    for _, row in table.iterrows():
        cells = "".join(f"{_format_value(row[b]):>{label_width[b]}}" for b in labels)
        stats = "".join(
            f"{_format_value(row[f'{o}_median'])} [{_format_value(row[f'{o}_p05'])}-"
            f"{_format_value(row[f'{o}_p95'])}]".rjust(width[o]) for o in shown)
        lines.append(f"{int(row['point']):>5}{cells}{int(row['runs']):>6}{stats}")
    return "\n".join(lines)


def _short(name: str) -> str:
    name = Path(name).stem if name.endswith(".toml") else name
    return name.rsplit(".", 1)[-1][:28]


def _format_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    if isinstance(value, str) and value.endswith(".toml"):
        return Path(value).stem[:15]
    return str(value)[:15]

"""One run of a scenario, as a batch needs it: ``run(scenario, overrides, seed) -> RunResult``.

The function is pure: the same scenario content, overrides and seed give the same result in
any process on any machine, which is what lets a batch spread runs over a process pool or a
Dask cluster and still be reproducible to the bit. The shape follows Mesa 4's experiment
runner (a run function over scenarios, any ``concurrent.futures`` executor, a store), see
``mesa/mesa#3768``.
"""

from __future__ import annotations

import gc
import hashlib
import json
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .model import OperationModel
from .output import model_timeseries, summarise
from .scenario import Scenario, load_scenario
from .scoring import flat_row
from .world import build_world

EVENT_COLUMNS = ["time", "step", "unit", "event", "cause", "place"]
PACKAGE_DIR = Path(__file__).resolve().parent
# modules that only present, schedule or store results; editing them keeps stored runs valid
NOT_IN_RESULTS = {"__init__.py", "cli.py", "batch.py", "store.py", "designs.py", "mapping.py",
                  "symbols.py", "animation.py", "plots.py"}


@dataclass
class RunResult:
    """What one run leaves: a flat summary row, the model time series and the event log."""

    row: dict
    timeseries: pd.DataFrame
    events: pd.DataFrame
    seconds: float


@dataclass
class RunSpec:
    """One run of a batch: a design point's scenario and overrides, a replicate and its seed.

    ``key`` is the run's content hash (:func:`run_key`); ``parameters`` are the design values
    that set this point apart, kept as columns of the results.
    """

    key: str
    point: int
    replicate: int
    seed: int
    parameters: dict = field(default_factory=dict)


def run(scenario: Scenario | str | Path, overrides: list[str] | None = None,
        seed: int = 0) -> RunResult:
    """Run a scenario to its end with one seed; the batch layer's unit of work."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, overrides)
    elif overrides:
        raise ValueError("overrides are applied when loading; pass a path, or a loaded "
                         "scenario without overrides")
    started = time.perf_counter()
    _freeze_world(build_world(scenario))
    model = OperationModel(scenario, rng=seed)
    model.run_for(scenario.steps)
    row = flat_row(summarise(model))
    timeseries = model_timeseries(model)
    events = pd.DataFrame(model.events, columns=EVENT_COLUMNS).astype(
        {"time": str, "step": float, "unit": str, "event": str, "cause": str, "place": str})
    return RunResult(row, timeseries, events, time.perf_counter() - started)


_FROZEN_WORLDS: set[int] = set()


def _freeze_world(world) -> None:
    """Move a newly built world (and the imported modules) out of the garbage collector's scans.

    Every run of a process shares them, and the full collections a run triggers would
    otherwise walk them again and again (``gc.freeze``).
    """
    if id(world) not in _FROZEN_WORLDS:
        gc.collect()
        gc.freeze()
        _FROZEN_WORLDS.add(id(world))


def run_group(scenario: Scenario, runs: list[RunSpec]) -> list[tuple[RunSpec, RunResult | str]]:
    """Run several seeds of one design point; a run that raises gives its error, not an abort.

    Grouping keeps each task long enough that scheduling overhead does not dominate (a Dask
    task costs about 2 ms; ``experiment_tooling.md`` §4).
    """
    outcomes = []
    for spec in runs:
        try:
            outcomes.append((spec, run(scenario, seed=spec.seed)))
        except Exception as exc:  # noqa: BLE001 - a failed run is data, not an abort
            where = traceback.extract_tb(exc.__traceback__)[-1]
            outcomes.append((spec, f"{type(exc).__name__}: {exc} "
                                   f"({Path(where.filename).name}:{where.lineno})"))
    return outcomes


def derive_seed(base_seed: int, replicate: int) -> int:
    """The seed of replicate ``i``: numpy ``SeedSequence(base_seed)``'s i-th child, as an int.

    Every design point uses the same seeds (common random numbers), so the difference between
    two points is the difference their parameters make, not a different draw of the weather.
    """
    child = np.random.SeedSequence(base_seed, spawn_key=(replicate,))
    return int(child.generate_state(1, dtype=np.uint32)[0])


def scenario_digest(scenario: Scenario) -> str:
    """Hash of a resolved scenario's whole content (overrides and ``extends`` applied)."""
    text = scenario.model_dump_json()
    return hashlib.sha256(text.encode()).hexdigest()


def code_version() -> str:
    """Hash of the source files of the simulation package that shape a run's results.

    A change to any of them changes every run key, so a store never mixes results of two
    versions of the model.
    """
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.glob("*.py")):
        if path.name in NOT_IN_RESULTS:
            continue
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def run_key(scenario_hash: str, overrides: list[str], seed: int, code: str) -> str:
    """The key a run's results are stored under: hash of (scenario, overrides, seed, code)."""
    blob = json.dumps({"scenario": scenario_hash, "overrides": list(overrides),
                       "seed": int(seed), "code": code}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]

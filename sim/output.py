"""What a run leaves behind: summary.json, a time series, the event log and a map.

Files are written to a temporary name and renamed into place, so an interrupted write never
leaves a half file behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from .agents import Battalion
from .scoring import encircled_at_end, encircled_units, load_record, measure


def summarise(model) -> dict[str, Any]:
    """The run's summary: scenario, seed, dates, each side's men by state and cause.

    ``dead_after_withdrawal_order`` counts a side's dead from its commander's decision to
    withdraw (0 when none was taken), the split `validate` prints by phase.

    When the scenario names a record, the milestones measured against it are added.
    """
    spec = model.spec
    sides = {}
    for side in spec.sides:
        sides[side] = model.side_totals(side)
        sides[side]["encircled_units"] = encircled_units(model, side)
        sides[side]["encircled_at_end"] = encircled_at_end(model, side)
        decided = model.commanders[side].dead_when_decided
        sides[side]["dead_after_withdrawal_order"] = (
            0 if decided is None else sides[side]["dead"] - decided)
    summary = {
        "scenario": spec.name,
        "seed": model.seed,
        "start_date": spec.start_date.isoformat(),
        "end_date": model.clock.at(model.time).date().isoformat(),
        "steps": int(model.time),
        "step_hours": spec.step_hours,
        "sides": sides,
    }
    if spec.record is not None:
        summary.update(measure(model, load_record(spec.record)))
    return summary


def unit_timeseries(model) -> pd.DataFrame:
    """One row per battalion per collected step, with dates and coordinates."""
    frame = model.datacollector.get_agenttype_vars_dataframe(Battalion).reset_index()
    frame = frame.rename(columns={"Step": "step", "AgentID": "agent_id",
                                  "battalion_id": "battalion", "status": "state",
                                  "march_hours_step": "hours_marching",
                                  "hours_in_wind_step": "hours_halted_in_wind",
                                  "hours_unheated_step": "hours_halted_unheated"})
    frame["date"] = [model.clock.at(s).isoformat() for s in frame["step"]]
    terrain = model.world.terrain
    frame["lat"] = terrain.lat[frame["x"], frame["y"]]
    frame["lon"] = terrain.lon[frame["x"], frame["y"]]
    return frame


def model_timeseries(model) -> pd.DataFrame:
    """One row per collected step with the model-level series."""
    frame = model.datacollector.get_model_vars_dataframe()
    frame.index.name = "step"
    return frame.reset_index()


def write_outputs(model, out_dir: Path, map_png: bool = True) -> dict[str, Path]:
    """Write summary.json, timeseries.parquet, units.parquet, events.jsonl and map.png."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "summary": out_dir / "summary.json",
        "timeseries": out_dir / "timeseries.parquet",
        "units": out_dir / "units.parquet",
        "events": out_dir / "events.jsonl",
    }
    _atomic_write_text(paths["summary"], json.dumps(summarise(model), indent=2) + "\n")
    _atomic_write_frame(paths["timeseries"], model_timeseries(model))
    _atomic_write_frame(paths["units"], unit_timeseries(model))
    _atomic_write_text(paths["events"], "".join(json.dumps(e) + "\n" for e in model.events))
    if map_png:
        from .mapping import draw_map

        paths["map"] = out_dir / "map.png"
        fig = draw_map(model)
        atomic_write(paths["map"], lambda tmp: fig.savefig(tmp, dpi=120, format="png"))
    return paths


def atomic_write(path: Path, write) -> None:
    """Write a file through ``write(tmp_path)`` to a hidden temporary name, then rename it.

    The temporary name starts with a dot, which Parquet dataset readers skip, so a crash in
    the middle of a write leaves the folder readable; the rename is atomic on one file system.
    """
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(tmp)
        with open(tmp, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _atomic_write_text(path: Path, text: str) -> None:
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def _atomic_write_frame(path: Path, frame: pd.DataFrame) -> None:
    atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))

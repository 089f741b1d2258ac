"""The historical record of an operation: its milestones and casualty figures, as data.

A record file (``scenarios/kalbajar_record.toml``) is read here, checked against the scenario
that names it before anything runs, and used by :mod:`sim.scoring` after a run; the model
never sees it. The milestone types are described in :mod:`sim.scoring`.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ScenarioError, read_text_file


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Milestone(_Record):
    """A dated event of the record, or a count, and how to measure it on a run."""

    label: str
    type: Literal["reach", "road_cut", "withdrawal_complete", "return", "encircled_count",
                  "encircled_at_end", "capture"]
    side: str
    places: list[str] = Field(default_factory=list)
    km: float = 0.0
    road: str = ""
    between: tuple[str, str] | None = None
    min_hours: float = 0.0
    window: tuple[dt.date, dt.date] | None = None
    range: tuple[int, int] | None = None
    scored: bool = Field(True, description="false: reported beside its sources, not scored")
    source: str


class ClosestApproach(_Record):
    """Which side's closest approach to which place is reported."""

    side: str
    place: str


class CasualtyTarget(_Record):
    """A casualty figure of the record and the range a run's median should fall in."""

    label: str
    side: str
    measure: Literal["dead", "cold_share", "cold_dead", "killed"]
    range: tuple[float, float]
    record: tuple[float, float]
    scored: bool = Field(True, description="false: reported beside its sources, not scored")
    source: str


class Record(_Record):
    """The historical record of an operation."""

    name: str
    milestones: dict[str, Milestone]
    closest_approach: ClosestApproach | None = None
    casualties: dict[str, CasualtyTarget] = Field(default_factory=dict)


def load_record(path: str | Path) -> Record:
    """Read and validate a record file; a bad one is a one-line ScenarioError naming it."""
    path = Path(path)
    text = read_text_file(path, "record file")
    try:
        return Record.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}; expected a record file") from None
    except RecursionError:
        raise ScenarioError(f"{path}: nested too deeply; expected a record file") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise ScenarioError(f"{path}: {where}: {first['msg']}{more}; expected a record file "
                            "(milestones, casualties; see scenarios/kalbajar_record.toml)"
                            ) from None


def check_record(scenario) -> Record:
    """The scenario's record, read and checked against the scenario's sides, places and roads."""
    record = load_record(scenario.record)
    problems = []
    targets = [(f"milestones.{key}", m) for key, m in record.milestones.items()]
    targets += [(f"casualties.{key}", c) for key, c in record.casualties.items()]
    if record.closest_approach is not None:
        targets.append(("closest_approach", record.closest_approach))
    for where, target in targets:
        if target.side not in scenario.sides:
            problems.append(f"{where}.side = {target.side!r}: expected one of the scenario's "
                            f"sides ({', '.join(scenario.sides)})")
        names = list(getattr(target, "places", []) or [])
        names += [getattr(target, "place", None)] if hasattr(target, "place") else []
        names += list(getattr(target, "between", None) or [])
        for name in names:
            if name not in scenario.places:
                problems.append(f"{where}: place {name!r}: expected a place of the scenario")
        road = getattr(target, "road", "")
        if road and road not in scenario.roads:
            problems.append(f"{where}.road = {road!r}: expected a road of the scenario")
        elif road and not set(getattr(target, "between", None) or ()) <= set(
                scenario.roads[road].nodes):
            problems.append(f"{where}.between = {list(target.between)}: expected places on "
                            f"road {road!r} ({', '.join(scenario.roads[road].nodes)})")
        if getattr(target, "type", None) in ("reach", "return", "capture") and not names:
            problems.append(f"{where}.places: empty; expected the places it measures")
    if problems:
        raise ScenarioError(f"{scenario.record}: " + "; ".join(problems))
    return record

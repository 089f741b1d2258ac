"""Maps of any moment of a run: a date, a time, the start, the peak or the end.

``run --map-at 1994-01-20,1994-02-13T12,peak,end`` writes one map per moment. A run keeps a
:class:`sim.mapping.MapSnapshot` of every step, so any moment can be drawn after the run; a date
is drawn at the end of that day, a time at the end of the step that holds it, so the events of
a step show on the map of that step. The peak is the moment of the deepest advance: with a
record, the closest approach of its side to its place (``closest_approach``); without one, the
moment the first side holds the most ground.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np

from .errors import ScenarioError
from .mapping import MapSnapshot, TheatreMap, snapshot
from .record import load_record

WORDS = ("start", "peak", "end")


def check_moments(moments, start: dt.date, end: dt.date) -> None:
    """Refuse a time outside the run, before it starts."""
    first = dt.datetime.combine(start, dt.time())
    last = dt.datetime.combine(end, dt.time())
    for moment in moments:
        if isinstance(moment, dt.datetime) and not first <= moment <= last:
            raise ScenarioError(f"--map-at {moment:%Y-%m-%d %H:%M}: outside the run "
                                f"({first:%Y-%m-%d} to {last:%Y-%m-%d}); expected a moment of it")


def parse_moments(text: str) -> list[str | dt.datetime]:
    """Moments from a comma-separated list: start, peak, end, YYYY-MM-DD or YYYY-MM-DDTHH[:MM].

    A date stands for the end of that day.
    """
    moments: list[str | dt.datetime] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        if item.lower() in WORDS:
            moments.append(item.lower())
            continue
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", item):
                moments.append(dt.datetime.fromisoformat(item) + dt.timedelta(days=1))
            elif re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}(:\d{2})?", item):
                moments.append(dt.datetime.fromisoformat(item if ":" in item else item + ":00"))
            else:
                raise ValueError
        except ValueError:
            raise ScenarioError(f"--map-at {item!r}: expected start, peak, end, a date "
                                "(YYYY-MM-DD) or a time (YYYY-MM-DDTHH or YYYY-MM-DDTHH:MM)"
                                ) from None
    return moments


def label_of(moment: str | dt.datetime, given: str) -> str:
    """A file-name label: the word, or the date/time as given (1994-02-13T12 -> 1994-02-13T12)."""
    return moment if isinstance(moment, str) else given.replace(":", "")


class MomentRecorder:
    """A snapshot of the run after every step (and one at the start)."""

    def __init__(self, model):
        self.model = model
        self.snapshots: list[MapSnapshot] = [snapshot(model)]

    def observe(self) -> None:
        """Take the snapshot of the step just done."""
        self.snapshots.append(snapshot(self.model))

    def at(self, moment: str | dt.datetime) -> MapSnapshot:
        """The snapshot of a moment (a time: the first step ending at or after it)."""
        if moment == "start":
            return self.snapshots[0]
        if moment == "end":
            return self.snapshots[-1]
        if moment == "peak":
            return self.snapshots[self.peak_index()]
        first, last = self.snapshots[0].when, self.snapshots[-1].when
        if not first <= moment <= last + dt.timedelta(days=1):
            raise ScenarioError(f"--map-at {moment:%Y-%m-%d %H:%M}: outside the run "
                                f"({first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M})")
        return next((s for s in self.snapshots if s.when >= moment), self.snapshots[-1])

    def peak_index(self) -> int:
        """The step of the deepest advance (see the module docstring)."""
        model = self.model
        record = load_record(model.spec.record) if model.spec.record is not None else None
        approach = record.closest_approach if record is not None else None
        if approach is not None and approach.place in model.world.places:
            target = np.asarray(model.world.places[approach.place], dtype=float)
            distance = [min((np.hypot(*(np.asarray(u.cell) - target)) for u in s.units
                             if u.side == approach.side), default=np.inf)
                        for s in self.snapshots]
            return int(np.argmin(distance))
        first = 0
        held = [int((s.control == first).sum()) for s in self.snapshots]
        return int(np.argmax(held))


def operation_title(model) -> str:
    """The operation's name for a map title: the record's, else the scenario's description."""
    if model.spec.record is not None:
        return load_record(model.spec.record).name.split(",")[0]
    return model.spec.description or model.spec.name


def write_moment_maps(model, recorder: MomentRecorder, moments: list[tuple[str, object]],
                      out_dir: Path, dpi: float = 120) -> dict[str, Path]:
    """One map per moment, ``map_<label>.png``; returns the paths by label."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from .output import atomic_write

    paths = {}
    fig = Figure(figsize=(12.5, 10.5), layout="constrained")
    FigureCanvasAgg(fig)
    theatre = TheatreMap(model.world, model.spec, fig.subplots())
    name = operation_title(model)
    for label, moment in moments:
        snap = recorder.at(moment)
        word = f" ({moment})" if isinstance(moment, str) else ""
        theatre.show(snap, f"{name}: {snap.when:%d %b %Y %H:%M}, day {snap.day}{word}")
        path = out_dir / f"map_{label}.png"
        atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=dpi, format="png"))
        paths[label] = path
    return paths

"""A side's battalions from a moment to the end of a run: the way each took and what it cost.

Read from a run's outputs (``units.parquet`` and ``events.jsonl``), so a historian can follow
the retreat of any run without running it again: for each battalion in the field at the
moment (by default its side's withdrawal order), the passes it crossed, the kilometres and
hours it marched, the hours it halted out in the wind or without heat, the worst weather it
met, its dead by cause and its missing, and how it ended (back at an exit, destroyed, captured,
still encircled).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd

DEATHS = ("killed", "died_of_wounds", "cold_dead", "hypothermia_dead", "avalanche_dead")


def read_events(folder: Path) -> list[dict]:
    """A run folder's events, as ``events.jsonl`` holds them."""
    return [json.loads(line) for line in
            (folder / "events.jsonl").read_text(encoding="utf-8").splitlines() if line]


def order_time(events: list[dict], side: str) -> str | None:
    """When a side's withdrawal order reached its battalions (ISO time), if it did."""
    return next((e["time"] for e in events
                 if e["event"] == "withdrawal" and e["unit"] == side), None)


def withdrawing_side(events: list[dict]) -> str | None:
    """The first side whose withdrawal order reached its battalions, if any did."""
    return next((e["unit"] for e in events if e["event"] == "withdrawal"), None)


def passes_crossed(track: np.ndarray, passes: dict[str, tuple[int, int]],
                   within_cells: float = 1.5) -> list[str]:
    """The passes a track came within ``within_cells`` of, in the order it reached them."""
    reached = []
    for name, cell in passes.items():
        near = np.flatnonzero(np.hypot(*(track - np.asarray(cell, dtype=float)).T)
                              <= within_cells)
        if len(near):
            reached.append((int(near[0]), name))
    return [name for _, name in sorted(reached)]


CAUSE_WORDS = {"hypothermia_dead": "froze", "killed": "killed", "missing": "captured",
               "cold_dead": "died of cold injuries", "wounded": "all wounded",
               "cold_injured": "all cold-injured", "died_of_wounds": "died of wounds",
               "avalanche_dead": "avalanche"}


def fate(battalion: str, events: list[dict], since: str, last: pd.Series,
         exits: dict[str, tuple[int, int]]) -> str:
    """How a battalion's journey ended: destroyed, captured, back at an exit, or neither."""
    moment = pd.Timestamp(since)
    for e in events:
        if e["unit"] == battalion and pd.Timestamp(e["time"]) >= moment:
            day = dt.datetime.fromisoformat(e["time"]).strftime("%d %b")
            if e["event"] == "surrendered":
                return f"surrendered {day}"
            if e["event"] == "destroyed":
                return f"{CAUSE_WORDS.get(e['cause'], e['cause'])} {day}"
    for name, cell in exits.items():
        if (int(last["x"]), int(last["y"])) == tuple(cell):
            return f"out at {name}"
    return "still encircled" if bool(last.get("encircled", False)) else "on the way"


def nearest_place(cell, places: dict[str, tuple[int, int]], cell_km: float,
                  names: dict[str, str]) -> str:
    """'3 km from Omar Pass': where a cell lies, by the nearest named place."""
    if not places:
        return ""
    name, at = min(places.items(), key=lambda item: np.hypot(*np.subtract(item[1], cell)))
    km = float(np.hypot(*np.subtract(at, cell))) * cell_km
    return names.get(name, name) if km < 0.5 else f"{km:.0f} km from {names.get(name, name)}"


COLUMNS = {  # journal column -> what it means, for the legend under the table
    "men": "men in the ranks at the moment",
    "in care": "wounded and cold-injured men in its care at the moment, not yet evacuated",
    "way": "passes crossed, in order",
    "km": "km marched",
    "h march": "hours marching",
    "h wind": "hours halted out in the wind (bivouac, dug-in position)",
    "h no heat": "hours halted out of the wind but without roof, stove or wood fire",
    "min °C": "coldest air where it stood",
    "wind m/s": "strongest wind where it stood",
    "snow m": "deepest snow where it stood",
    "killed": "killed in action", "DoW": "died of wounds", "cold": "died of cold injuries",
    "froze": "died of hypothermia", "aval.": "killed by avalanches",
    "dead": "all dead", "missing": "missing or captured",
    "ended": "how it ended, and where (by the nearest named place)",
}
DEATH_LABELS = dict(zip(DEATHS, ("killed", "DoW", "cold", "froze", "aval.")))


def journal(units: pd.DataFrame, events: list[dict], side: str, since: str,
            passes: dict[str, tuple[int, int]], exits: dict[str, tuple[int, int]],
            names: dict[str, str] | None = None, places: dict[str, tuple[int, int]] | None = None,
            cell_km: float = 1.0) -> pd.DataFrame:
    """One row per battalion of ``side`` in the field at ``since`` (an ISO time), to the end.

    ``passes``, ``exits`` and ``places`` map place names to cells; ``names`` gives places'
    display names. Hours are summed over the steps after ``since`` while the battalion had
    men. The columns are those of :data:`COLUMNS`.
    """
    names = names or {}
    frame = units[units["side"] == side].sort_values("step")
    moment = pd.Timestamp(since)  # the series' dates carry seconds, the events' do not
    rows = []
    for battalion, series in frame.groupby("battalion", sort=False):
        when = pd.to_datetime(series["date"])
        before = series[when <= moment]
        after = series[when > moment]
        if before.empty or after.empty or int(before.iloc[-1]["strength"]) <= 0:
            continue
        start = before.iloc[-1]
        alive = after[after["strength"].shift(fill_value=start["strength"]) > 0]
        end = after.iloc[-1]
        track = np.vstack([[start["x"], start["y"]], after[["x", "y"]].to_numpy()]).astype(float)
        row = {
            "battalion": battalion,
            "men": int(start["strength"]),
            "in care": int(start["in_care"]) if "in_care" in start else 0,
            "way": " > ".join(names.get(p, p) for p in passes_crossed(track, passes)) or "-",
            "km": float(end["km_marched"] - start["km_marched"]),
        }
        for column, label in (("hours_marching", "h march"),
                              ("hours_halted_in_wind", "h wind"),
                              ("hours_halted_unheated", "h no heat")):
            row[label] = float(alive[column].sum()) if column in alive else float("nan")
        row["min °C"] = float(alive["temperature_c"].min())
        row["wind m/s"] = float(alive["wind_ms"].max())
        row["snow m"] = float(alive["snow_depth_m"].max())
        for cause in DEATHS:
            if cause in end:
                row[DEATH_LABELS[cause]] = int(end[cause] - start[cause])
        row["dead"] = sum(int(end[c] - start[c]) for c in DEATHS if c in end)
        if "missing" in end:
            row["missing"] = int(end["missing"] - start["missing"])
        last = end if int(end["strength"]) > 0 else alive.iloc[-1]
        row["ended"] = fate(battalion, events, since, last,
                            {names.get(k, k): v for k, v in exits.items()})
        if not row["ended"].startswith("out at") and places:
            row["ended"] += ", " + nearest_place((int(last["x"]), int(last["y"])), places,
                                                 cell_km, names)
        rows.append(row)
    table = pd.DataFrame(rows)
    if not table.empty:
        total = {"battalion": "all", "men": int(table["men"].sum()),
                 "in care": int(table["in care"].sum()), "way": "", "ended": ""}
        for column in table.columns:
            if column not in total and column.startswith(("h ", "km")):
                total[column] = float(table[column].sum())
            elif column not in total and table[column].dtype.kind in "iu":
                total[column] = int(table[column].sum())
        table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    return table


def journal_of_run(folder: Path, scenario, side: str, since: str | None = None
                   ) -> tuple[pd.DataFrame, str]:
    """The journal of a run folder; ``since`` an ISO date or time, else the side's order.

    Returns the table and the moment it starts from.
    """
    from .world import build_world

    units, events = pd.read_parquet(folder / "units.parquet"), read_events(folder)
    return _journal(units, events, scenario, build_world(scenario), side, since, str(folder))


def journal_of_model(model, side: str, since: str | None = None) -> tuple[pd.DataFrame, str]:
    """The journal of a model run in this process (a notebook's replay), as of its last step."""
    from .output import unit_timeseries

    return _journal(unit_timeseries(model), model.events, model.spec, model.world, side, since,
                    model.spec.name)


def _journal(units, events, scenario, world, side, since, where) -> tuple[pd.DataFrame, str]:
    moment = since or order_time(events, side)
    if moment is None:
        raise ValueError(f"{where}: the {side} withdrawal order never reached its battalions "
                         "in this run; give a moment with --from")
    if len(moment) == 10:
        moment = f"{moment}T00:00"
    dt.datetime.fromisoformat(moment)  # checked before use
    places = {name: (int(cell[0]), int(cell[1])) for name, cell in world.places.items()}
    kinds = {name: place.kind for name, place in scenario.places.items()}
    plan = scenario.sides[side].plan
    exits = list(plan.withdrawal.to) if plan.withdrawal else []
    table = journal(units, events, side, moment,
                    {n: c for n, c in places.items() if kinds.get(n) == "pass"},
                    {n: places[n] for n in exits if n in places},
                    {n: p.name for n, p in scenario.places.items()}, places,
                    world.terrain.cell_size_m / 1000.0)
    return table, moment

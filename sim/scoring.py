"""Scoring a run against the historical record (milestones with windows, casualty ranges).

The record is a data file (``scenarios/kalbajar_record.toml``), named by the scenario's
``record`` key and read only here, after a run: the model never sees it. Milestone types:

* ``reach``: first time a battalion of a side stands within ``km`` of any of some places;
* ``road_cut``: first time the enemy cuts a side's supply on a road (an edge of it that the
  side's supply could use becomes blocked by enemy control or zone of control); with
  ``between``, only on the stretch of the road between two of its places;
* ``withdrawal_complete``: the date a side's ordered general withdrawal is complete;
* ``return``: after its closest approach to a place, the first date on which every battalion
  of a side still in the field stands within ``km`` of one of some places (its start lines),
  whether it got there by order or in flight;
* ``encircled_count``: how many of a side's battalions were ever encircled;
* ``encircled_at_end``: how many were left in pockets (encircled, or destroyed or surrendered
  while encircled) when the rest of the side had withdrawn (the end of the run if it never
  withdrew);
* ``capture``: the first date a side takes any of some places from another side (a battalion
  of the side stands on it with none of the holder's there).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .errors import ScenarioError
from .record import (  # noqa: F401 - the record's schema, read here as before
    CasualtyTarget,
    ClosestApproach,
    Milestone,
    Record,
    check_record,
    load_record,
)


def _positions(model):
    """Per collected step: dates and, per side, arrays of (x, y) of battalions in the field."""
    from .agents import Battalion

    frame = model.datacollector.get_agenttype_vars_dataframe(Battalion).reset_index()
    frame = frame[frame["strength"] > 0]
    return frame


def measure(model, record: Record) -> dict:
    """Milestones, encirclements and closest approach of a finished run."""
    events = model.events
    positions = _positions(model)
    km_per_cell = model.world.terrain.cell_size_m / 1000.0
    results: dict[str, dict] = {}

    def first_reach(side, places, km):
        cells = np.array([model.world.places[p] for p in places], dtype=float)
        rows = positions[positions["side"] == side]
        if rows.empty:
            return None, np.inf, None
        xy = rows[["x", "y"]].to_numpy(dtype=float)
        dist = np.min(np.hypot(xy[:, None, 0] - cells[None, :, 0],
                               xy[:, None, 1] - cells[None, :, 1]), axis=1) * km_per_cell
        steps = rows["Step"].to_numpy()
        hit = np.flatnonzero(dist <= km)
        first = None if hit.size == 0 else model.clock.at(steps[hit[0]]).date()
        best = int(np.argmin(dist))
        return first, float(dist[best]), model.clock.at(steps[best]).date()

    for name, m in record.milestones.items():
        date = None
        value = None
        if m.type == "reach":
            date, _, _ = first_reach(m.side, m.places, m.km)
        elif m.type == "road_cut":
            road = model.spec.roads.get(m.road)
            if road is None or not set(m.between or ()) <= set(road.nodes):
                raise ScenarioError(
                    f"record milestone {name!r}: road {m.road!r} with between={m.between} is not "
                    f"a road of the scenario through those places")
            date = first_lasting_cut(events, m.road, m.side, m.min_hours, model.clock.at(
                model.time), stretch_edges(road.nodes, m.between))
        elif m.type == "capture":
            unknown = sorted(set(m.places) - set(model.world.places))
            if unknown or not m.places:
                raise ScenarioError(f"record milestone {name!r}: places {unknown or m.places}: "
                                    "expected places of the scenario")
            date = next((dt.date.fromisoformat(e["time"][:10]) for e in events
                         if e["event"] == "node_captured" and e["unit"] == m.side
                         and e["place"] in m.places), None)
        elif m.type == "withdrawal_complete":
            date = next((dt.date.fromisoformat(e["time"][:10]) for e in events
                         if e["event"] == "withdrawal_complete" and e["unit"] == m.side), None)
        elif m.type == "return":
            date = first_return(positions, model, m, record, km_per_cell)
        elif m.type == "encircled_count":
            value = len({e["unit"] for e in events if e["event"] == "encircled"
                         and model.battalions[e["unit"]].side == m.side})
        elif m.type == "encircled_at_end":
            value = encircled_at_end(model, m.side)
        entry = {"label": m.label}
        if m.window is not None:
            entry.update(date=date.isoformat() if date else None,
                         window=[m.window[0].isoformat(), m.window[1].isoformat()],
                         in_window=bool(date and m.window[0] <= date <= m.window[1]))
        if m.range is not None:
            entry.update(value=value, range=list(m.range),
                         in_range=bool(value is not None and m.range[0] <= value <= m.range[1]))
        results[name] = entry

    approach = None
    if record.closest_approach is not None:
        c = record.closest_approach
        _, km, when = first_reach(c.side, [c.place], 0.0)
        approach = {"side": c.side, "place": c.place,
                    "km": round(km, 1) if np.isfinite(km) else None,
                    "date": when.isoformat() if when else None}
    return {"milestones": results, "closest_approach": approach}


def first_return(positions, model, m: Milestone, record: Record, km_per_cell: float):
    """First date after the side's closest approach with all its battalions back home."""
    rows = positions[positions["side"] == m.side]
    if rows.empty:
        return None
    after = 0.0
    if record.closest_approach is not None and record.closest_approach.side == m.side:
        target = np.asarray(model.world.places[record.closest_approach.place], dtype=float)
        xy = rows[["x", "y"]].to_numpy(dtype=float)
        distance = np.hypot(*(xy - target).T)
        after = float(rows["Step"].to_numpy()[int(np.argmin(distance))])
    homes = np.array([model.world.places[p] for p in m.places], dtype=float)
    later = rows[rows["Step"] > after]
    xy = later[["x", "y"]].to_numpy(dtype=float)
    nearest = np.min(np.hypot(xy[:, None, 0] - homes[None, :, 0],
                              xy[:, None, 1] - homes[None, :, 1]), axis=1) * km_per_cell
    all_home = pd.Series(nearest <= m.km).groupby(later["Step"].to_numpy()).all()
    home_steps = all_home.index[all_home.to_numpy()]
    return model.clock.at(home_steps.min()).date() if len(home_steps) else None


def stretch_edges(nodes: list[str], between: tuple[str, str] | None) -> set[str] | None:
    """Names ("a-b", both ways) of a road's edges between two of its places; None: all."""
    if between is None:
        return None
    i, j = sorted(nodes.index(place) for place in between)
    pairs = zip(nodes[i:j], nodes[i + 1:j + 1])
    return {name for a, b in pairs for name in (f"{a}-{b}", f"{b}-{a}")}


def first_lasting_cut(events, road: str, side: str, min_hours: float, end: dt.datetime,
                      edges: set[str] | None = None):
    """Date of the first cut of a side's supply on a road that lasted ``min_hours``.

    A road is cut while any of its edges (of ``edges`` if given) is blocked by the enemy; it is
    open again when the last blocked edge reopens.
    """
    blocked: set[str] = set()
    since: dt.datetime | None = None
    for e in events:
        if e.get("road") != road or e.get("side") != side:
            continue
        if edges is not None and e["place"] not in edges:
            continue
        when = dt.datetime.fromisoformat(e["time"])
        if e["event"] == "road_cut":
            if not blocked:
                since = when
            blocked.add(e["place"])
        elif e["event"] == "road_reopened":
            blocked.discard(e["place"])
            if not blocked and since is not None:
                if (when - since).total_seconds() >= min_hours * 3600:
                    return since.date()
                since = None
    if blocked and since is not None and (end - since).total_seconds() >= min_hours * 3600:
        return since.date()
    return None


def encircled_at_end(model, side: str) -> int:
    """Battalions of a side left in pockets when the rest had withdrawn (else at the end)."""
    left = model.commanders[side].left_in_pockets
    if left is None:
        left = [u.battalion_id for u in model.side_units(side) if u.in_pocket]
    return len(left)


def encircled_units(model, side: str) -> int:
    """Distinct battalions of a side that were ever encircled."""
    return sum(1 for u in model.battalions.values() if u.side == side and u.ever_encircled)


def flat_row(summary: dict) -> dict:
    """One flat row per run (for batches): seed, losses per side and cause, milestones."""
    row = {"scenario": summary["scenario"], "seed": summary["seed"]}
    for side, totals in summary["sides"].items():
        for key, value in totals.items():
            row[f"{side}_{key}"] = value
    for name, entry in summary.get("milestones", {}).items():
        if "date" in entry:
            row[f"milestone_{name}"] = entry["date"] or ""
        if "value" in entry:
            row[f"milestone_{name}"] = entry["value"]
    approach = summary.get("closest_approach") or {}
    row["closest_approach_km"] = approach.get("km")
    row["closest_approach_date"] = approach.get("date") or ""
    return row


def casualty_values(summary: pd.DataFrame, target: CasualtyTarget) -> pd.Series:
    """Each run's value of a casualty measure, from a table of flat rows (:func:`flat_row`)."""
    if target.measure == "cold_share":
        dead = summary[f"{target.side}_dead"].astype(float)
        cold = summary[f"{target.side}_cold_dead"].astype(float)
        if f"{target.side}_hypothermia_dead" in summary:
            cold = cold + summary[f"{target.side}_hypothermia_dead"]
        return (cold / dead.where(dead > 0)).fillna(0.0)
    return summary[f"{target.side}_{target.measure}"].astype(float)


def score_batch(summary: pd.DataFrame, record: Record, target: float = 0.6) -> pd.DataFrame:
    """Score a batch's summary table against the record, one row per milestone or figure.

    A milestone's ``score`` is the share of finished runs inside its window (or range); a
    casualty figure's is the median over runs, which should fall in the sourced range, with
    its 5-95 % range beside it. Figures the record marks ``scored = false`` are reported with
    ``scored`` False, their ``ok`` for information only.
    """
    ok = summary[summary["status"] == "ok"] if "status" in summary else summary
    rows = []
    for name, m in record.milestones.items():
        values = ok[f"milestone_{name}"]
        if m.window is not None:
            dates = values.where(values != "").dropna().astype(str)
            hits = dates.between(str(m.window[0]), str(m.window[1])).sum() / len(ok)
            middle = sorted(dates)[len(dates) // 2] if len(dates) else "never"
            rows.append({"measure": m.label, "score": hits, "median": middle,
                         "never": 1 - len(dates) / len(ok),
                         "record": f"{m.window[0]} .. {m.window[1]}", "ok": hits >= target,
                         "scored": m.scored})
        else:
            counts = values.astype(int)
            hits = counts.between(*m.range).sum() / len(ok)
            rows.append({"measure": m.label, "score": hits, "median": counts.median(),
                         "never": None, "record": f"{m.range[0]} .. {m.range[1]}",
                         "ok": hits >= target, "scored": m.scored})
    for t in record.casualties.values():
        values = casualty_values(ok, t)
        median = float(values.median())
        rows.append({"measure": t.label, "score": median, "median": median, "never": None,
                     "p05": float(values.quantile(0.05)), "p95": float(values.quantile(0.95)),
                     "record": f"{t.range[0]:g} .. {t.range[1]:g}",
                     "ok": t.range[0] <= median <= t.range[1], "scored": t.scored})
    return pd.DataFrame(rows)


PHASE_CAUSES = ("killed", "died_of_wounds", "cold_dead", "hypothermia_dead", "dead")


def deaths_by_phase(timeseries: pd.DataFrame, events: pd.DataFrame, side: str) -> pd.DataFrame:
    """A side's dead by cause before and after its withdrawal order, median over runs.

    ``timeseries`` and ``events`` are a batch's (:func:`sim.store.load_batch`), keyed by run.
    A run whose side never orders a withdrawal has all its dead before the order. ``killed``
    is every death in battle (the dead less those of wounds, cold, hypothermia, avalanches).
    """
    if timeseries.empty:
        return pd.DataFrame(columns=PHASE_CAUSES)
    frame = timeseries.copy()
    others = [f"{side}_{c}" for c in ("died_of_wounds", "cold_dead", "hypothermia_dead",
                                      "avalanche_dead") if f"{side}_{c}" in frame]
    frame[f"{side}_killed"] = frame[f"{side}_dead"] - frame[others].sum(axis=1)
    columns = [f"{side}_{c}" for c in PHASE_CAUSES if f"{side}_{c}" in frame]
    orders = events[(events["event"] == "withdrawal_decided") & (events["unit"] == side)]
    order_at = orders.groupby("key")["time"].min()
    rows = []
    for key, run in frame.sort_values("date").groupby("key"):
        end = run[columns].iloc[-1]
        cut = order_at.get(key)
        before = end if cut is None else run.loc[
            pd.to_datetime(run["date"]) <= pd.Timestamp(cut), columns].iloc[-1]
        rows.append(("before the withdrawal order", before))
        rows.append(("after it", end - before))
        rows.append(("whole run", end))
    table = pd.DataFrame([values.to_numpy() for _, values in rows], columns=columns)
    table.insert(0, "phase", [phase for phase, _ in rows])
    table.columns = ["phase", *(c.removeprefix(f"{side}_") for c in columns)]
    return table.groupby("phase", sort=False).median()

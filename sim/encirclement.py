"""Pockets: a battalion the enemy cuts off from its supply is encircled, breaks out or gives up.

A battalion off its supply path that enemy zones of control cut off from its side's supplied
roads (:class:`sim.supply.CutOff`) for ``encircled_after_hours`` is encircled, and the enemy
blockages on its road route home are named as the cut. It keeps its task on what it carries, as
a bypassed unit would; when that is spent (or it breaks) it breaks out towards its side's
exits, round the enemy where it must (:func:`sim.morale.escape_route`). Trapped, with nothing
left and no way out, it may surrender (``trapped_surrender_per_day``).
"""

from __future__ import annotations

import numpy as np

from .morale import rear_place


def encircle(model, unit, blocked, run_cuts=None) -> None:
    """Mark a battalion encircled, name the cut, and order it to break out."""
    side, network = unit.side, model.supply
    cuts = network.cut_on_the_way(side, model.depots[side], unit.coordinate, blocked)
    if not cuts and run_cuts:  # cut part of the way along a road near it
        near = [key for key in sorted(run_cuts) if np.hypot(*(np.asarray(
            network.edges[key].cells, dtype=float) - unit.coordinate).T).min()
            <= network.offroad_cells]
        cuts = [run_cuts[key] for key in near or sorted(run_cuts)]
    cause = "; ".join(f"{c.edge[0]}-{c.edge[1]} ({c.road}) {c.cause} by {c.by_side}"
                      + (f" {model.unit_name(c.by_unit)}" if c.by_unit else "")
                      for c in cuts) or "enemy zone of control around the battalion"
    unit.encircle()
    model.log_event("encircled", unit=unit.battalion_id, cause=cause,
                    place=model.place_name(unit.coordinate))
    if unit.supply_days <= 0:
        break_out(model, unit)


def break_out(model, unit) -> None:
    """An encircled battalion whose carried supply is spent tries to get back to its lines.

    Until then it keeps its task on what it carries, as a bypassed unit would; a broken
    one is already falling back.
    """
    if not unit.broken:
        goal = rear_place(model, unit)
        if goal is None and unit.unit_type.road_bound:
            unit.abandon_heavy_equipment()
            goal = rear_place(model, unit)
        if goal is not None:
            unit.withdraw(goal)
            model.log_event("breakout", unit=unit.battalion_id, cause=f"towards {goal}",
                            place=model.place_name(unit.coordinate))


def surrenders(model, unit) -> bool:
    """Whether a trapped battalion gives up this step; if so its men are captured.

    Trapped: encircled, its carried supplies spent and no way out round the enemy. Each
    day so trapped it surrenders with chance ``trapped_surrender_per_day``.
    """
    if unit.trapped_since is None or not unit.encircled or unit.supply_days > 0:
        return False
    daily = model.spec.parameters.morale.trapped_surrender_per_day
    chance = 1.0 - (1.0 - daily) ** (model.spec.step_hours / 24.0)
    if model.rng.random() >= chance:
        return False
    model.log_event("surrendered", unit=unit.battalion_id,
                    cause="encircled, out of supplies, no way out",
                    place=model.place_name(unit.coordinate), men=unit.strength)
    unit.lose("missing", unit.strength)
    return True

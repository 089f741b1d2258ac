"""Pockets: a battalion the enemy cuts off from its supply is encircled, breaks out or gives up.

A battalion off its supply path that enemy zones of control cut off from its side's supplied
roads (:class:`sim.supply.CutOff`) for ``encircled_after_hours`` is encircled, and the enemy
blockages on its road route home are named as the cut. It is out of its pocket once its supply
reaches it again, or once the ring round it has stayed open for ``relieved_after_hours`` (a
shorter opening is an interruption, as a shorter cut is). It keeps its task on what it carries, as
a bypassed unit would; when that is spent (or it breaks) it breaks out towards its side's
exits, round the enemy where it must (:func:`sim.morale.escape_route`). Trapped, with nothing
left and no way out, it may surrender (``trapped_surrender_per_day``).
"""

from __future__ import annotations

import numpy as np

from .morale import rear_place
from .scenario import Posture
from .states import Orders


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


def reduce_pockets(model, side: str, reach_km: float) -> None:
    """A side's battalions that hold their attack objectives attack enemy pockets near them.

    A battalion under an attack task whose objective its side holds, fit to attack (not
    broken, spent, encircled, pulled back or withdrawing), goes for the encircled enemy
    battalion nearest that objective within ``reach_km`` of it, and follows it; when no
    pocket is left within reach it goes back to its task. ``reach_km`` 0: no reduction.
    """
    terrain, places = model.world.terrain, model.world.places
    pockets = [u for u in model.battalions.values()
               if u.side != side and u.in_field and u.encircled]
    for unit in model.side_units(side):
        if not unit.in_field or unit.broken or unit.task is None:
            continue
        fit = (unit.task.posture == Posture.ATTACK and not (unit.encircled or unit.spent)
               and unit.orders in (Orders.TASK, Orders.REDUCING)
               and model.control.owner.get(unit.task.objective) == side)
        target = None
        if fit and reach_km > 0:
            home = places[unit.task.objective]
            near = [(km, p.battalion_id, p) for km, p in
                    ((terrain.distance_km(home, p.coordinate), p) for p in pockets)
                    if km <= reach_km]
            if unit.reducing:  # it keeps at its pocket while that lasts
                near = [n for n in near if n[1] == unit.pocket_target] or near
            target = min(near)[2] if near else None
        if target is not None and unit.pocket_target == target.battalion_id:
            unit.follow_pocket(target)
        elif target is not None:
            unit.attack_pocket(target)
            model.log_event("attacks_pocket", unit=unit.battalion_id,
                            cause=f"the pocket of {target.battalion_id}",
                            place=model.place_name(target.coordinate))
        elif unit.reducing:
            unit.end_pocket_attack()
            model.log_event("pocket_attack_ended", unit=unit.battalion_id,
                            cause="no pocket left within reach",
                            place=model.place_name(unit.coordinate))

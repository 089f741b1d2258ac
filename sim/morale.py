"""Breaking and rallying: a probabilistic breakpoint, not a fixed threshold.

``combat_science.md`` §2.3: both known breakpoint studies find that breaks seldom relate to
casualties alone; in CDB90 the median losing side quits at 7.6 % (WWII) to 16.7 % (all
periods) losses, and 80-82 % of losers quit below 40 %. Each battalion therefore draws a hidden
breakpoint from a lognormal, and breaks when its losses of all causes (battle, cold, avalanche)
reach the breakpoint lowered by encirclement, hunger, poor quality and surprise. CDB90 counts
losses per battle, so the breakpoint is drawn again for each new engagement: when a called-off
attack is renewed and when a broken battalion rallies.

The side that loses an engagement is the one whose breakpoint is reached first, so losers'
losses are not the breakpoints drawn but the lower of them: :func:`sim.calibration.
duel_losses` fights one-on-one attacks at the model's QJM rates to calibrate the lognormal
against CDB90.

A broken battalion falls back (``retreat_km`` clear of the enemy, on its line of supply when it
can); one falling back whose way is barred by the enemy takes a way round it
(:func:`escape_route`).
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy.stats import norm

from .parameters import MoraleParameters


def breakpoint_sigma(p: MoraleParameters) -> float:
    """Log-space spread so that ``breakpoint_share_below_40`` of breakpoints are below 40 %."""
    return math.log(0.40 / p.breakpoint_median) / norm.ppf(p.breakpoint_share_below_40)


def draw_breakpoint(rng, p: MoraleParameters, size: int | None = None):
    """A battalion's hidden breakpoint (share of its men lost), at most 1; ``size`` of them."""
    value = np.minimum(1.0, p.breakpoint_median * np.exp(
        breakpoint_sigma(p) * rng.standard_normal(size)))
    return float(value) if size is None else value


def breakpoint_share_below(share: float, p: MoraleParameters) -> float:
    """Share of battalions whose breakpoint lies below a loss share (the lognormal's CDF)."""
    if share <= 0:
        return 0.0
    return float(norm.cdf(math.log(share / p.breakpoint_median) / breakpoint_sigma(p)))


def effective_breakpoint(breakpoint: float, quality: str, encircled: bool, supplied: bool,
                         surprised: bool, p: MoraleParameters) -> float:
    """The breakpoint after the circumstances of the moment."""
    value = breakpoint * p.quality_factor[quality]
    if encircled:
        value *= p.encircled_factor
    if not supplied:
        value *= p.unsupplied_factor
    if surprised:
        value *= p.surprised_factor
    return value


def check_morale(model, contacts) -> None:
    """Battalions break, call off attacks, rally and resume.

    Battalions in contact or encircled break when their losses (all causes) reach their
    breakpoint; an attacking battalion calls its attack off instead. Broken battalions
    recover after a quiet spell in supply; a called-off attack is renewed after the same
    spell of holding in supply, in contact or not (the battalion regroups where it stands).
    """
    p = model.spec.parameters.morale
    step_hours = model.spec.step_hours
    for unit in [u for u in model.battalions.values() if u.in_field]:
        if unit.stalled_since is not None and not unit.broken:
            regrouped = (model.time - unit.stalled_since) * step_hours >= p.rally_hours
            if regrouped and unit.supplied and unit.task is not None and not unit.withdrawing:
                if unit.renew_attack():  # a new engagement, with a breakpoint of its own
                    model.log_event("attack_resumed", unit=unit.battalion_id,
                                    cause="recovered", place=model.place_name(unit.coordinate))
        if unit.broken:
            calm_since = None if unit.out_of_contact_since is None else max(
                unit.out_of_contact_since, unit.broken_since or 0)
            quiet = calm_since is not None and (
                model.time - calm_since) * step_hours >= p.rally_hours
            if quiet and unit.supplied and not unit.encircled:
                unit.rally()
                model.log_event("rallied", unit=unit.battalion_id, cause="out of contact",
                                place=model.place_name(unit.coordinate))
            continue
        if unit.unique_id not in contacts and not unit.encircled:
            continue  # battalions break in battle or when cut off, not in quiet sectors
        threshold = unit.weigh_breakpoint(p)
        if unit.loss_share >= threshold and model.combat.is_attacking(unit) \
                and not unit.encircled:
            # A failed attack is called off: the battalion goes over to the defence where
            # it stands, and renews it once it has regrouped (like a rally).
            model.log_event("attack_stalled", unit=unit.battalion_id,
                            cause=f"losses {unit.loss_share:.0%}",
                            place=model.place_name(unit.coordinate))
            unit.call_off_attack()
        elif unit.loss_share >= threshold:
            # Withdrawing or encircled, it flees towards its side's exits.
            unit.break_(rear_place(model, unit, nearby=not (unit.withdrawing or unit.encircled)))
            model.log_event("broken", unit=unit.battalion_id,
                            cause=f"losses {unit.loss_share:.0%}"
                            + (", encircled" if unit.encircled else "")
                            + ("" if unit.supplied else ", unsupplied"),
                            place=model.place_name(unit.coordinate))


def exits(model, side: str) -> list[str]:
    """Places a side's battalions withdraw or break out to: the plan's, else its depots."""
    plan = model.spec.sides[side].plan
    return list(plan.withdrawal.to if plan.withdrawal else model.depots[side])


def standing_enemies(model, side: str) -> list[tuple[int, int]]:
    """Cells of the enemy battalions in the field that have not broken."""
    return [u.coordinate for u in model.battalions.values()
            if u.side != side and u.in_field and not u.broken]


def rear_place(model, unit, nearby: bool = False) -> str | None:
    """The place a battalion falls back to, nearest by march time.

    A broken battalion (``nearby``) falls back to the nearest place its side holds at least
    ``retreat_km`` from any enemy battalion, on its side's line of supply when one such place
    is (a beaten unit falls back on its communications, not deeper into a pocket); a
    battalion breaking out or withdrawing to its side's withdrawal destinations if the plan
    names them, otherwise to its depots.
    """
    side = unit.side
    places = model.world.places
    candidates = exits(model, side)
    if nearby:
        terrain = model.world.terrain
        enemies = standing_enemies(model, side)
        reach = model.spec.parameters.morale.retreat_km

        def clear_of_enemy(cell):
            return all(terrain.distance_km(cell, e) >= reach for e in enemies)

        held = [place for place, owner in model.control.owner.items()
                if owner == side and clear_of_enemy(places[place])]
        supplied = model.supply_lines.carried_cells.get(side)
        on_supply = [place for place in held
                     if supplied is not None and supplied[places[place]]]
        candidates = on_supply or held or candidates
    return unit.graph.nearest(unit.coordinate, {place: places[place] for place in candidates})


def escape_route(model, unit) -> list[tuple[int, int]]:
    """A way back for a battalion falling back that keeps clear of the enemy's battalions.

    It leads to the nearest of the battalion's objective and its side's exits (withdrawal
    destinations, else depots), never into a cell where an unbroken enemy battalion stands
    nor, for an encircled battalion, into the ring's zones of control, which it cannot pass
    but may leave away from a lone battalion (:meth:`sim.control.Control.ring_bars`); such a
    way is the breakout route round the enemy, over the mountains if it must. The battalion
    takes the way's end as its objective. Empty when there is no such way.
    """
    targets = [unit.objective_cell] + [model.world.places[p] for p in exits(model, unit.side)]
    side = unit.side
    ring = model.control.enemy_zoc(side) if unit.encircled else None
    return unit.graph.route_avoiding(unit.coordinate, targets, standing_enemies(model, side),
                                     ring, functools.partial(model.control.ring_bars, side))

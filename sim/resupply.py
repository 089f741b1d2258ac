"""Each side's supply in one step: traced, stocks refilled or spent, cuts logged.

Supply is traced from the depots, stocks are refilled or spent, the enemy's road cuts are
logged, and a battalion that has run out off its supply path is pulled back to restock (an
attack's culminating point; a post's or a battery's rations spent).

The network and the geometry of cuts are :mod:`sim.supply`; what happens to a battalion the
enemy cuts off from it (encirclement, breakout, surrender) is :mod:`sim.encirclement`.
Stocks follow ``combat_science.md`` §3.6 (8-12 kg per man per day in winter); a dug-in
battalion keeps its trains' stock in position, on the move it takes what it carries (the 1917
US infantry manual: 2 days on the man, 3 in the field train, 2 in the supply train).
"""

from __future__ import annotations

import numpy as np

from . import encirclement
from .movement import snow_rate_factor
from .scenario import Posture
from .supply import CutOff, carry_cost


class SupplyLines:
    """What each side's supply reached, step by step, and the cuts the enemy made in it.

    Args:
        model: the model; its :class:`sim.supply.SupplyNetwork` is ``model.supply``.
    """

    def __init__(self, model):
        self.model = model
        sides = model.spec.sides
        self.supplied_cells: dict[str, np.ndarray] = {}  # road cells reached this step
        self.carried_cells: dict[str, np.ndarray] = {}  # cells the porters reach this step
        self.supplied_before: dict[str, np.ndarray] = {}  # road cells supply ever reached
        self.edges_seen_open: dict[str, set] = {sid: set() for sid in sides}
        self.edge_blocked_since: dict[str, dict] = {sid: {} for sid in sides}
        self._going_day: int | None = None
        self._going: np.ndarray | None = None

    def trace(self, announce: bool = True) -> None:
        """Trace each side's supply, refill or run down stocks, and find encircled battalions."""
        model = self.model
        network = model.supply
        p = model.spec.parameters.supply
        step_days = model.spec.step_hours / 24.0 if announce else 0.0
        closed = model.passes.closed_edges()
        going = self.carry_going()
        for side in model.spec.sides:
            units = [u for u in model.side_units(side) if u.in_field]
            depots = model.depots[side]
            blocked = network.blockages(side, model.control, closed)
            _, reached = network.reachable(side, depots, model.control, blocked)
            ground = self.porter_ground(side, units)
            carried = network.carry_area(reached, ground, going)
            self.supplied_cells[side] = reached
            self.carried_cells[side] = carried
            supplied_before = self.supplied_before.setdefault(
                side, np.zeros_like(reached, dtype=bool))
            supplied_before |= reached
            nodes, _ = network.reachable(side, depots, model.control, blocked, ignore_snow=True)
            run_cuts = network.run_cuts(
                side, model.control, blocked, nodes, supplied_before,
                self.edges_seen_open[side], [u.coordinate for u in units
                                             if not carried[u.coordinate]])
            by_enemy = {k: b for k, b in blocked.items() if b.cause != "snow"}
            self.note_road_cuts(side, by_enemy, run_cuts, announce)
            cut_off = CutOff(network, model.control, side, depots, blocked,
                             reached, ground, self.edges_seen_open[side], going,
                             run_cuts=set(run_cuts))
            for unit in units:
                # A dug-in battalion keeps its trains' stock in its position; on the move it
                # takes what its men and vehicles carry.
                stock = max(p.position_stock_days, p.carried_days) if unit.dug_in \
                    else p.carried_days
                unit.restock(bool(carried[unit.coordinate]), stock,
                             p.resupply_days_per_day * step_days, step_days,
                             model.spec.parameters.combat.ammunition_days)
                if announce:
                    self.manage_supply_pause(unit, carried)
                ring_open = unit.supply_path or not cut_off.pocketed(unit.coordinate)
                # An encircled battalion is out once its supply reaches it, or once the ring
                # has stayed open relieved_after_hours; a shorter opening is an interruption.
                interrupted = (ring_open and unit.encircled and announce and not unit.supply_path
                               and unit.note_ring_open() < p.relieved_after_hours)
                if ring_open and not interrupted:
                    if unit.encircled and announce:
                        model.log_event("broke_out", unit=unit.battalion_id,
                                        cause="linked up with own lines",
                                        place=model.place_name(unit.coordinate))
                    unit.link_up()
                    continue
                if not ring_open:
                    hours_cut = unit.note_cut()
                    if announce and encirclement.surrenders(model, unit):
                        continue
                    if announce and not unit.encircled and hours_cut >= p.encircled_after_hours:
                        encirclement.encircle(model, unit, blocked, run_cuts)
                        continue
                if announce and unit.encircled and not unit.withdrawing and (
                        unit.broken or unit.supply_days <= 0):
                    encirclement.break_out(model, unit)

    def carry_going(self) -> np.ndarray | None:
        """Whole steps the porters take to cross each cell in the day's snow.

        Porters keep to a trodden track: the FM 31-70 snow factor on a road (the snow counted
        at ``road_snow_depth_share`` of its depth), taken once a day. None without weather, or
        when ``supply.porters_slowed_by_snow`` is off.
        """
        model = self.model
        if model.weather is None or not model.spec.parameters.supply.porters_slowed_by_snow:
            return None
        day = int(model.time * model.spec.step_hours // 24)
        if self._going_day != day:
            trodden = snow_rate_factor(model.snow_depth_m, True, model.spec.parameters.movement)
            self._going = carry_cost(trodden, model.supply.offroad_cells)
            self._going_day = day
        return self._going

    def porter_ground(self, side: str, units) -> np.ndarray:
        """Cells a side's porters may cross: open ground and the cells ``units`` stand on."""
        ground = self.model.control.open_ground(side).copy()
        if units:
            ground[tuple(np.array([u.coordinate for u in units]).T)] = True
        return ground

    def note_road_cuts(self, side: str, by_enemy: dict, run_cuts: dict,
                       announce: bool) -> None:
        """Log the enemy cutting (and reopening) road edges this side's supply had used.

        ``run_cuts`` are roads cut part of the way along (:meth:`SupplyNetwork.run_cuts`).
        """
        model = self.model
        seen_open = self.edges_seen_open[side]
        since = self.edge_blocked_since[side]
        cuts = {key: by_enemy[key] for key in set(by_enemy) & seen_open} | run_cuts
        for key in sorted(set(since) - set(cuts)):
            del since[key]
            if announce:
                model.log_event("road_reopened", unit="", cause="enemy gone",
                                place=f"{key[0]}-{key[1]}", road=model.supply.edges[key].road,
                                side=side)
        for key in sorted(set(cuts) - set(since)):
            since[key] = model.time
            cut = cuts[key]
            if announce:
                model.log_event("road_cut", unit=model.unit_name(cut.by_unit),
                                cause=f"{cut.cause} by {cut.by_side}",
                                place=f"{key[0]}-{key[1]}", road=cut.road, side=side)
        seen_open.update(key for key in model.supply.edges if key not in by_enemy)

    def enemy_blocked_since(self, side: str) -> dict[str, float]:
        """Roads on which the enemy now blocks a side's supply, with when the oldest cut began.

        Only edges the side's supply could once use count.
        """
        roads: dict[str, float] = {}
        for key, since in self.edge_blocked_since[side].items():
            road = self.model.supply.edges[key].road
            roads[road] = min(since, roads.get(road, since))
        return roads

    def manage_supply_pause(self, unit, carried: np.ndarray) -> None:
        """A battalion off its supply path that has run out of supplies pulls back to restock.

        An attack that has outrun its supplies culminates; a post or a battery that has eaten
        its stocks does not wait at its place to starve. Whatever its task, the battalion falls
        back to the nearest supplied place its side holds and takes its task up again once
        restocked.
        """
        model = self.model
        p = model.spec.parameters.supply
        if unit.resupplying:
            if unit.supply_days >= p.resume_attack_days and unit.task is not None:
                unit.end_supply_pause(resume=True)
                attacking = unit.task.posture == Posture.ATTACK
                model.log_event("attack_resumed" if attacking else "task_resumed",
                                unit=unit.battalion_id, cause="resupplied",
                                place=model.place_name(unit.coordinate))
            return
        if (unit.supplied or unit.supply_path or unit.task is None or unit.withdrawing
                or unit.broken or unit.encircled):
            return
        base = self.supplied_place(unit, carried)
        if base is None:
            return
        unit.fall_back_for_supply(base)
        model.log_event("falls_back_for_supply", unit=unit.battalion_id,
                        cause="out of supplies", place=base)

    def supplied_place(self, unit, carried: np.ndarray) -> str | None:
        """The nearest place (by march time) the battalion's side holds and can supply."""
        places = self.model.world.places
        candidates = {place: places[place]
                      for place, owner in self.model.control.owner.items()
                      if owner == unit.side and carried[places[place]]}
        return unit.graph.nearest(unit.coordinate, candidates)

"""Each side's plan: phases of orders, the arrival of reinforcements, and withdrawal.

A phase's orders are issued when its trigger comes: its ``start`` date (the date a commander
decided on), the completion of an earlier phase (all its tasked battalions still in the field
and not broken stand on their objectives), and/or an enemy battalion near a place. A general
withdrawal is ordered when enough of the side's battalions are cut off from supply or its
strength has fallen far enough, and reaches the battalions after an order delay. Battalions
that hold their attack objectives are sent against enemy pockets near them
(``reduce_pockets_km``; :func:`sim.encirclement.reduce_pockets`).
Reinforcements enter at their place on their date through Mesa's event scheduler. Dates come
only from the scenario file; nothing here looks at what happened historically.
"""

from __future__ import annotations

from . import encirclement
from .morale import rear_place
from .scenario import Phase, Reinforcement, Side


class PhaseOrders:
    """A phase of a plan and whether its orders have gone out."""

    def __init__(self, phase: Phase):
        self.phase = phase
        self.issued_at: float | None = None

    @property
    def issued(self) -> bool:
        """Whether the orders have been issued."""
        return self.issued_at is not None


class ReinforcementArrival:
    """Battalions that enter the map together; ``arrive`` is scheduled as a Mesa event."""

    def __init__(self, model, side_id: str, reinforcement: Reinforcement):
        self.model = model
        self.side_id = side_id
        self.reinforcement = reinforcement
        self.arrived = False

    def arrive(self) -> None:
        """Put the battalions on the map at the arrival place.

        If the enemy holds it, they arrive at the nearest place their side holds.
        """
        place = self.reinforcement.at
        model = self.model
        if model.control.owner.get(place) not in (None, self.side_id):
            here = model.world.places[place]
            enemy_zoc = model.control.enemy_zoc(self.side_id)
            held = [p for p, owner in model.control.owner.items()
                    if owner == self.side_id and not enemy_zoc[model.world.places[p]]]
            options = held or model.depots[self.side_id] or [place]
            place = min(options, key=lambda p: model.world.terrain.distance_km(
                here, model.world.places[p]))
        cell = self.model.world.places[place]
        arriving = self.model.spec.arriving_battalions(self.reinforcement)
        for battalion_id in arriving:
            self.model.deploy_battalion(battalion_id, cell, reinforcement=True)
        self.arrived = True
        self.model.log_event("reinforcement_arrived", unit=",".join(arriving),
                             place=place, cause="plan")


class Commander:
    """Issues a side's orders phase by phase.

    Args:
        model: the model.
        side_id: the side.
        side: the side's scenario entry.
    """

    def __init__(self, model, side_id: str, side: Side):
        self.model = model
        self.side_id = side_id
        self.phases = [PhaseOrders(p) for p in side.plan.phases]
        self.taken: set[str] = set()
        self.reduce_pockets_km = side.plan.reduce_pockets_km
        self.arrivals = [ReinforcementArrival(model, side_id, r)
                         for r in side.plan.reinforcements
                         if model.spec.arriving_battalions(r)]
        for arrival in self.arrivals:
            # Half a step before the step that begins on the arrival date.
            when = model.clock.steps_until(arrival.reinforcement.arrives) + 0.5
            model.schedule_event(arrival.arrive, at=max(when, 0.5))

    def phase(self, name: str) -> PhaseOrders:
        """A phase by name."""
        return next(p for p in self.phases if p.phase.name == name)

    def phase_complete(self, orders: PhaseOrders) -> bool:
        """Whether every tasked battalion still in the field stands on its objective.

        One sent from it against a pocket near it counts as there.
        """
        if not orders.issued:
            return False
        for battalion_id in orders.phase.tasks:
            unit = self.model.battalions.get(battalion_id)
            if unit is None or not unit.in_field or unit.broken or unit.withdrawing:
                continue
            if unit.task is orders.phase.tasks[battalion_id] and not (
                    unit.at_objective or unit.reducing):  # it attacks a pocket near it
                return False
        return True

    def issue_orders(self) -> None:
        """Issue the orders of every phase whose trigger has come."""
        today = self.model.now.date()
        if self.withdrawal_decided_at is not None:
            self.consider_withdrawal()
            return
        for orders in self.phases:
            phase = orders.phase
            if orders.issued or not phase.enabled:
                continue
            if phase.start is not None and today < phase.start:
                continue
            if phase.after is not None and not self.phase_complete(self.phase(phase.after)):
                continue
            if phase.when_enemy_near is not None and not self.enemy_near(phase.when_enemy_near):
                continue
            orders.issued_at = self.model.time
            for battalion_id, task in phase.tasks.items():
                unit = self.model.battalions.get(battalion_id)
                if unit is None:
                    self.model.pending_tasks[battalion_id] = task
                elif unit.in_field and not unit.withdrawing:
                    unit.receive_task(task)
                    unit.plan_surprise(None if phase.surprise == "none" else phase.surprise,
                                       phase.surprise_hours / self.model.spec.step_hours)
            self.model.log_event("orders_issued", unit=self.side_id, cause=phase.name)
        for unit in self.model.side_units(self.side_id):
            if unit.in_field:
                unit.follow_the_threat()
        encirclement.reduce_pockets(self.model, self.side_id, self.reduce_pockets_km)
        self.consider_withdrawal()

    def enemy_near(self, condition) -> bool:
        """Whether an enemy battalion in the field is within ``km`` of a place."""
        terrain = self.model.world.terrain
        cell = self.model.world.places[condition.place]
        return any(u.side != self.side_id and u.in_field
                   and terrain.distance_km(u.coordinate, cell) <= condition.km
                   for u in self.model.battalions.values())

    # ------------------------------------------------------------------ withdrawal

    withdrawal_decided_at: float | None = None
    withdrawal_ordered_at: float | None = None
    withdrawal_completed_at: float | None = None
    left_in_pockets: list[str] | None = None  # when all but the encircled were out
    dead_when_decided: int | None = None  # the side's dead when the withdrawal was decided
    cut_off_since: float | None = None  # since when enough battalions have been cut off

    def consider_withdrawal(self) -> None:
        """Decide on a general withdrawal when its conditions hold; report when it is done."""
        rule = self.model.spec.sides[self.side_id].plan.withdrawal
        if rule is None:
            return
        units = [u for u in self.model.side_units(self.side_id) if u.in_field]
        if self.withdrawal_ordered_at is not None:
            if self.left_in_pockets is None and all(
                    self.model.place_name(u.coordinate) in rule.to
                    for u in units if not u.encircled):
                self.left_in_pockets = [u.battalion_id for u in self.model.side_units(
                    self.side_id) if u.in_pocket]
                self.model.log_event("withdrawn_but_pockets", unit=self.side_id,
                                     cause=f"{len(self.left_in_pockets)} battalions left "
                                     "encircled", place=",".join(self.left_in_pockets))
            if self.withdrawal_completed_at is None and all(
                    self.model.place_name(u.coordinate) in rule.to for u in units):
                self.withdrawal_completed_at = self.model.time
                self.model.log_event("withdrawal_complete", unit=self.side_id, cause="all out",
                                     place=",".join(rule.to))
            return
        if self.withdrawal_decided_at is not None or not units:
            return
        if rule.not_before is not None and self.model.now.date() < rule.not_before:
            return
        owners = self.model.control.owner
        for place in rule.when_lost:
            if owners.get(place) == self.side_id:
                self.taken.add(place)
        lost = [p for p in rule.when_lost if p in self.taken and owners.get(p) not in (
            None, self.side_id)]
        cut_off = sum(u.encircled or not u.supplied for u in units) / len(units)
        if cut_off < rule.when_cut_off_share:
            self.cut_off_since = None
        elif self.cut_off_since is None:
            self.cut_off_since = self.model.time
        cut_off_hours = (0.0 if self.cut_off_since is None else
                         (self.model.time - self.cut_off_since) * self.model.spec.step_hours)
        joined = sum(u.joined for u in self.model.side_units(self.side_id))
        strength = sum(u.strength for u in units) / max(joined, 1)
        reasons = [f"{place} lost" for place in lost]
        reasons += [f"road {road} cut" for road in self.roads_cut(rule)]
        if self.cut_off_since is not None and cut_off_hours >= rule.cut_off_hours:
            reasons.append(f"{cut_off:.0%} of battalions encircled or out of supplies" + (
                f" for {cut_off_hours:.0f} h" if rule.cut_off_hours > 0 else ""))
        if strength < rule.when_strength_below:
            reasons.append(f"strength down to {strength:.0%}")
        if not reasons:
            return
        self.withdrawal_decided_at = self.model.time
        self.dead_when_decided = self.model.side_totals(self.side_id)["dead"]
        self.model.log_event("withdrawal_decided", unit=self.side_id, cause="; ".join(reasons))
        delay = rule.order_delay_hours / self.model.spec.step_hours
        self.model.schedule_event(self.order_withdrawal, at=self.model.time + max(delay, 0.5))

    def roads_cut(self, rule) -> list[str]:
        """Roads of the rule on which the enemy has blocked this side's supply long enough."""
        blocked = self.model.supply_lines.enemy_blocked_since(self.side_id)
        hours = self.model.spec.step_hours
        return sorted({road for road, since in blocked.items() if road in rule.when_road_cut
                       and (self.model.time - since) * hours >= rule.road_cut_hours})

    def order_withdrawal(self) -> None:
        """The withdrawal order reaches the battalions: each falls back to its nearest exit."""
        self.withdrawal_ordered_at = self.model.time
        for unit in self.model.side_units(self.side_id):
            if not unit.in_field:
                continue
            goal = rear_place(self.model, unit)
            if goal is None and unit.unit_type.road_bound:
                unit.abandon_heavy_equipment()
                goal = rear_place(self.model, unit)
            unit.withdraw(goal, keep_state=unit.broken)
        self.model.log_event("withdrawal", unit=self.side_id, cause="order reached the units")

"""Each side's plan: phases of orders and the arrival of reinforcements.

A phase's orders are issued when its trigger comes: its ``start`` date (the date a commander
decided on), and/or the completion of an earlier phase (all its tasked battalions that still
exist stand on their objectives). Reinforcements enter at their place on their date through
Mesa's event scheduler. Dates come only from the scenario file; nothing here looks at what
happened historically.
"""

from __future__ import annotations

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
        """Put the battalions on the map at the arrival place."""
        cell = self.model.world.places[self.reinforcement.at]
        for battalion_id in self.reinforcement.battalions:
            self.model.deploy_battalion(battalion_id, cell, reinforcement=True)
        self.arrived = True
        self.model.log_event("reinforcement_arrived", unit=",".join(self.reinforcement.battalions),
                             place=self.reinforcement.at, cause="plan")


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
        self.arrivals = [ReinforcementArrival(model, side_id, r)
                         for r in side.plan.reinforcements]
        for arrival in self.arrivals:
            # Half a step before the step that begins on the arrival date.
            when = model.clock.steps_until(arrival.reinforcement.arrives) + 0.5
            model.schedule_event(arrival.arrive, at=max(when, 0.5))

    def phase(self, name: str) -> PhaseOrders:
        """A phase by name."""
        return next(p for p in self.phases if p.phase.name == name)

    def phase_complete(self, orders: PhaseOrders) -> bool:
        """Whether every tasked battalion still in the field stands on its objective."""
        if not orders.issued:
            return False
        for battalion_id in orders.phase.tasks:
            unit = self.model.battalions.get(battalion_id)
            if unit is None or not unit.in_field:
                continue
            if unit.task is orders.phase.tasks[battalion_id] and not unit.at_objective:
                return False
        return True

    def issue_orders(self) -> None:
        """Issue the orders of every phase whose trigger has come."""
        today = self.model.now.date()
        for orders in self.phases:
            phase = orders.phase
            if orders.issued:
                continue
            if phase.start is not None and today < phase.start:
                continue
            if phase.after is not None and not self.phase_complete(self.phase(phase.after)):
                continue
            orders.issued_at = self.model.time
            for battalion_id, task in phase.tasks.items():
                unit = self.model.battalions.get(battalion_id)
                if unit is not None and unit.in_field:
                    unit.receive_task(task)
                else:
                    self.model.pending_tasks[battalion_id] = task
            self.model.log_event("orders_issued", unit=self.side_id, cause=phase.name)

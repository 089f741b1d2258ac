"""What a battalion is doing: the states of :class:`sim.agents.Battalion` and their transitions.

================  ==========================================================================
state             may become
================  ==========================================================================
(entering)        HOLDING
HOLDING           MARCHING (a task or a move further), BLOCKED (no way), BROKEN, DESTROYED
MARCHING          HOLDING (on its objective, or halted to hold), BLOCKED, BROKEN, DESTROYED
BLOCKED           MARCHING (a way opens), HOLDING, BROKEN, DESTROYED
BROKEN            HOLDING (rallied), DESTROYED
DESTROYED         nothing: the battalion no longer exists
================  ==========================================================================

A state may also be entered again (a new objective while marching). Only the battalion's own
verbs change its state, through :meth:`sim.agents.Battalion.become`, which checks this table
(a change it does not allow raises :class:`IllegalTransition`) and logs each change as a
``state`` event whose cause reads ``"old -> new: why"``.

The state says what the battalion is doing on the ground. What it has been ordered to do is
its :class:`Orders`, a second and independent axis:

================  ==========================================================================
orders            may become
================  ==========================================================================
TASK              RESUPPLYING (it ran out of supplies), REDUCING, WITHDRAWING
REDUCING          TASK (the pocket gone, or a new task), RESUPPLYING, WITHDRAWING
RESUPPLYING       TASK (restocked, or the pause ended), WITHDRAWING (the order overrides it)
WITHDRAWING       nothing: a battalion falling back out of the fight stays so to the end
================  ==========================================================================

Orders change only through the battalion's verbs (``fall_back_for_supply``,
``end_supply_pause``, ``attack_pocket``, ``end_pocket_attack``, ``withdraw``), checked against
:data:`ORDER_CHANGES`; the mechanism that gives an order logs it as an event
(``falls_back_for_supply``, ``attack_resumed`` or ``task_resumed``, ``attacks_pocket``,
``pocket_attack_ended``, ``withdrawal``, ``breakout``). Orders combine with any state: a
withdrawing battalion marches, holds its exit or breaks. The ring round it (encircled) is its
situation, not a state or an order: it comes and goes with the enemy (``encircled``,
``broke_out``) whatever it is doing.
"""

from __future__ import annotations

from enum import Enum


class UnitState(Enum):
    """What a battalion is doing."""

    HOLDING = "holding"
    MARCHING = "marching"
    BLOCKED = "blocked"
    BROKEN = "broken"
    DESTROYED = "destroyed"


TRANSITIONS: dict[UnitState | None, frozenset[UnitState]] = {
    None: frozenset({UnitState.HOLDING}),
    UnitState.HOLDING: frozenset(UnitState),
    UnitState.MARCHING: frozenset(UnitState),
    UnitState.BLOCKED: frozenset(UnitState),
    UnitState.BROKEN: frozenset({UnitState.HOLDING, UnitState.BROKEN, UnitState.DESTROYED}),
    UnitState.DESTROYED: frozenset(),
}


class Orders(Enum):
    """What a battalion has been ordered to do, besides the task its side's plan gives it."""

    TASK = "task"  # carrying out its task (holding where it is if it has none)
    RESUPPLYING = "resupplying"  # pulled back to restock; its task waits
    REDUCING = "reducing"  # attacking an enemy pocket near its objective; its task waits
    WITHDRAWING = "withdrawing"  # falling back out of the fight: breakout or general withdrawal


ORDER_CHANGES: dict[Orders, frozenset[Orders]] = {
    Orders.TASK: frozenset({Orders.TASK, Orders.RESUPPLYING, Orders.REDUCING,
                            Orders.WITHDRAWING}),
    Orders.REDUCING: frozenset({Orders.TASK, Orders.RESUPPLYING, Orders.REDUCING,
                                Orders.WITHDRAWING}),
    Orders.RESUPPLYING: frozenset({Orders.TASK, Orders.RESUPPLYING, Orders.WITHDRAWING}),
    Orders.WITHDRAWING: frozenset({Orders.WITHDRAWING}),
}


class IllegalTransition(ValueError):
    """A state change the transition table does not allow."""


def check_transition(old: UnitState | None, new: UnitState, who: str = "") -> UnitState:
    """``new`` if the table allows ``old -> new``; otherwise :class:`IllegalTransition`."""
    if new not in TRANSITIONS[old]:
        raise IllegalTransition(f"{who}: {old.name if old else 'entering'} -> {new.name} is not "
                                "an allowed transition (sim.states.TRANSITIONS)")
    return new


def check_orders(old: Orders, new: Orders, who: str = "") -> Orders:
    """``new`` if :data:`ORDER_CHANGES` allows ``old -> new``; else IllegalTransition."""
    if new not in ORDER_CHANGES[old]:
        raise IllegalTransition(f"{who}: orders {old.name} -> {new.name} are not an allowed "
                                "change (sim.states.ORDER_CHANGES)")
    return new

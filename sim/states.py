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

The state says what the battalion is doing on the ground. What it has been ordered to do
(its task, a withdrawal or breakout, a pause to restock, a called-off attack to renew) and the
ring round it (encircled) are its orders and its situation: each changes through a verb of its
own that the mechanism logs as an event (``withdrawal``, ``breakout``, ``falls_back_for_supply``,
``attack_stalled``, ``encircled``, ``broke_out``), and each combines with any state (a broken
battalion may be encircled, a withdrawing one marches or holds its exit).
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


class IllegalTransition(ValueError):
    """A state change the transition table does not allow."""


def check_transition(old: UnitState | None, new: UnitState, who: str = "") -> UnitState:
    """``new`` if the table allows ``old -> new``; otherwise :class:`IllegalTransition`."""
    if new not in TRANSITIONS[old]:
        raise IllegalTransition(f"{who}: {old.name if old else 'entering'} -> {new.name} is not "
                                "an allowed transition (sim.states.TRANSITIONS)")
    return new

"""What a battalion is doing: the states of :class:`sim.agents.Battalion`."""

from __future__ import annotations

from enum import Enum


class UnitState(Enum):
    """What a battalion is doing."""

    HOLDING = "holding"
    MARCHING = "marching"
    BLOCKED = "blocked"
    BROKEN = "broken"
    DESTROYED = "destroyed"

"""What must hold after every step of any run: a checked run (``run --check``) asserts it.

Personnel is conserved (each side's men in the ranks plus every loss equal its men at the
start plus those who arrived), no count is negative, casualties in care are men already
counted as wounded or cold-injured, and no number of the state is NaN or infinite.
"""

from __future__ import annotations

import math

import numpy as np

from .agents import LOSS_CAUSES


class InvariantBroken(AssertionError):
    """A step broke an invariant; the message names the step, the unit or side, and what."""


def check_step(model) -> None:
    """Raise :class:`InvariantBroken` if the state after this step breaks an invariant."""
    problems = []
    for side in model.spec.sides:
        totals = model.side_totals(side)
        lost = sum(totals[c] for c in LOSS_CAUSES)
        joined = totals["initial"] + totals["reinforcements"]
        if totals["alive"] + lost != joined:
            problems.append(f"{side}: {totals['alive']} alive + {lost} lost != {joined} joined")
    for unit in model.battalions.values():
        where = unit.battalion_id
        if unit.strength < 0:
            problems.append(f"{where}: strength {unit.strength}")
        negative = {c: n for c, n in unit.losses.items() if n < 0}
        if negative:
            problems.append(f"{where}: negative losses {negative}")
        care = unit.care
        for pool in (care.new, care.walking, care.litter):
            if any(n < 0 for n in pool.values()):
                problems.append(f"{where}: negative casualties in care {pool}")
        if care.waiting > unit.losses["wounded"] + unit.losses["cold_injured"]:
            problems.append(f"{where}: {care.waiting} in care, more than its wounded and "
                            "cold-injured")
        for name in ("supply_days", "heat_debt_j_m2", "worst_heat_debt_j_m2",
                     "shivering_hours", "fatigue_days", "km_marched"):
            value = getattr(unit, name)
            if not math.isfinite(value) or value < 0:
                problems.append(f"{where}: {name} = {value}")
    if model.weather is not None:
        for name in ("temperature_c", "wind_ms", "snow_depth_m"):
            layer = getattr(model.weather, name)
            if not np.isfinite(layer).all():
                problems.append(f"weather: {name} holds NaN or infinity")
    if problems:
        raise InvariantBroken(f"step {model.time:g} ({model.now:%Y-%m-%d %H:%M}): "
                              + "; ".join(problems))

"""Breaking and rallying: a probabilistic breakpoint, not a fixed threshold.

``combat_science.md`` §2.3: both known breakpoint studies find that breaks seldom relate to
casualties alone; in CDB90 the median losing side quits at 7.6 % (WWII) to 16.7 % (all
periods) losses, and 80-82 % of losers quit below 40 %. Each battalion therefore draws a hidden
breakpoint from a lognormal, and breaks when its losses of all causes (battle, cold, avalanche)
reach the breakpoint lowered by encirclement, hunger, poor quality and surprise. CDB90 counts
losses per battle, so the breakpoint is drawn again for each new engagement: when a called-off
attack is renewed and when a broken battalion rallies.

The side that loses an engagement is the one whose breakpoint is reached first, so losers'
losses are not the breakpoints drawn but the lower of them: :func:`duel_losses` fights
one-on-one attacks at the model's QJM rates to calibrate the lognormal against CDB90.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm

from .combat import attacker_daily_rate, defender_daily_rate
from .parameters import CombatParameters, MoraleParameters


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


def duel_losses(rng, morale: MoraleParameters, combat: CombatParameters, duels: int = 40000,
                defenders: int = 500, odds: tuple[float, float] = (0.5, 8.0),
                terrain: str = "RUGGED_MIXED"):
    """Loss shares of the losing and the winning side in one-on-one attacks.

    An attacking battalion of ``defenders`` x odds men (odds log-uniform over ``odds``, median
    2: on average the attacker is twice the defender, Dupuy's verity 1, combat_science.md §2.3)
    attacks a battalion in prepared defence on ``terrain`` in dry cold. Each side's losses grow
    at its QJM daily rate (:mod:`sim.combat`); the first to reach its breakpoint quits.

    Returns (losers' loss shares, winners' loss shares, whether the attacker won), per duel.
    """
    attackers = defenders * np.exp(rng.uniform(np.log(odds[0]), np.log(odds[1]), duels))
    power_ratio = attackers * combat.weather_attack_fair / (
        defenders * combat.posture_strength["prepared"] * combat.terrain_defence[terrain])
    engaged = attackers + defenders
    terrain_c, weather_c = combat.terrain_casualty[terrain], combat.weather_casualty_fair
    attacker_rate = attacker_daily_rate(engaged, power_ratio, terrain_c, weather_c, combat)
    defender_rate = defender_daily_rate(engaged, 1.0 / power_ratio, terrain_c, weather_c,
                                        combat.posture_defender_casualty["prepared"], 1.0, combat)
    attacker_days = draw_breakpoint(rng, morale, duels) / attacker_rate
    defender_days = draw_breakpoint(rng, morale, duels) / defender_rate
    attacker_won = defender_days < attacker_days
    days = np.minimum(attacker_days, defender_days)
    losers = np.where(attacker_won, defender_rate, attacker_rate) * days
    winners = np.where(attacker_won, attacker_rate, defender_rate) * days
    return losers, winners, attacker_won

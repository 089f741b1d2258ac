"""Breaking and rallying: a probabilistic breakpoint, not a fixed threshold.

``combat_science.md`` §2.3: both known breakpoint studies find that breaks seldom relate to
casualties alone; in CDB90 the median losing side quits at 7.6 % (WWII) to 16.7 % (all
periods) losses, and 80-82 % of losers quit below 40 %. Each battalion therefore draws a hidden
breakpoint from a lognormal with that median and that share below 40 %, and breaks when its
losses of all causes (battle, cold, avalanche) reach the breakpoint lowered by encirclement,
hunger, poor quality and surprise.
"""

from __future__ import annotations

import math

from scipy.stats import norm

from .parameters import MoraleParameters


def breakpoint_sigma(p: MoraleParameters) -> float:
    """Log-space spread so that ``breakpoint_share_below_40`` of breakpoints are below 40 %."""
    return math.log(0.40 / p.breakpoint_median) / norm.ppf(p.breakpoint_share_below_40)


def draw_breakpoint(rng, p: MoraleParameters) -> float:
    """A battalion's hidden breakpoint (share of its men lost), at most 1."""
    return min(1.0, p.breakpoint_median * math.exp(breakpoint_sigma(p) * rng.standard_normal()))


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

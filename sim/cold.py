"""Cold injury: wind chill, time to frostbite, protection and the hazard of a cold injury.

Sources (``shared/reference/combat_science.md`` §3.1-3.2):

* Wind chill: the NWS / Environment Canada (2001) formula, in degC and km/h,
  ``13.12 + 0.6215 T - 11.37 V^0.16 + 0.3965 T V^0.16`` (valid at or below 10 degC and above
  4.8 km/h).
* Time to frostbite of exposed skin (Environment Canada): -28 to -39: 10-30 min; -40 to -47:
  5-10 min; -48 to -54: 2-5 min; -55 and colder: under 2 min. Orr (1954): frostbite occurs after
  minutes to 16 h at +20 F (-7 C) to -80 F.
* The hazard: exposure hours x 1/t_frostbite(wind chill) x (1 - protection), protection from
  equipment, shelter, supply and fatigue (the §3.2 "model implication").
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .parameters import ColdParameters

# Environment Canada frostbite bands as (wind chill degC, minutes): the band edges, with the
# upper time at the warm edge and the lower time at the cold edge of each band.
FROSTBITE_TABLE = ((-28.0, 30.0), (-40.0, 10.0), (-48.0, 5.0), (-55.0, 2.0))


def wind_chill_c(temp_c, wind_ms):
    """Wind chill temperature in degC (NWS/Environment Canada 2001).

    Outside the formula's range (above 10 degC, or wind at most 4.8 km/h) it is the air
    temperature.
    """
    temp = np.asarray(temp_c, dtype=float)
    speed_kmh = np.asarray(wind_ms, dtype=float) * 3.6
    v16 = np.power(np.maximum(speed_kmh, 4.8), 0.16)
    chill = 13.12 + 0.6215 * temp - 11.37 * v16 + 0.3965 * temp * v16
    valid = (temp <= 10.0) & (speed_kmh > 4.8)
    return np.where(valid, np.minimum(chill, temp), temp)


def frostbite_minutes(wind_chill, p: ColdParameters):
    """Minutes of exposure before exposed skin freezes; inf where no freezing injury occurs.

    Log-linear between the Environment Canada band edges, extended from -28 degC to Orr's
    16 h at the threshold (-7 degC), and beyond -55 degC at the same slope.
    """
    chill = np.asarray(wind_chill, dtype=float)
    points_c, log_minutes, coldest_c, coldest_log, slope = _frostbite_curve(
        p.frostbite_threshold_wind_chill_c, p.frostbite_hours_at_threshold)
    inside = np.interp(chill, points_c, log_minutes)
    colder = coldest_log + slope * (chill - coldest_c)
    minutes = np.exp(np.where(chill < coldest_c, colder, inside))
    return np.where(chill >= p.frostbite_threshold_wind_chill_c, np.inf, minutes)


@lru_cache(maxsize=32)
def _frostbite_curve(threshold_c: float, hours_at_threshold: float):
    """The frostbite table as log-minutes at increasing wind chill, with the cold-end slope.

    Returns (wind chill points, log minutes, coldest point, its log minutes, slope beyond it).
    """
    points_c = np.array([threshold_c] + [c for c, _ in FROSTBITE_TABLE])
    log_minutes = np.log(np.array([hours_at_threshold * 60.0] + [m for _, m in FROSTBITE_TABLE]))
    slope = (log_minutes[-1] - log_minutes[-2]) / (points_c[-1] - points_c[-2])
    # np.interp needs increasing x: reverse the table (coldest first).
    return (points_c[::-1].copy(), log_minutes[::-1].copy(), float(points_c[-1]),
            float(log_minutes[-1]), float(slope))


def exposure_dose(hours_outdoors, wind_chill, p: ColdParameters):
    """Frostbite-onset doses accumulated in some hours outdoors (hours / onset time)."""
    minutes = frostbite_minutes(wind_chill, p)
    return np.asarray(hours_outdoors, dtype=float) * 60.0 / minutes


def protection(winter_equipment, supplied, fatigue_days, p: ColdParameters):
    """Share of the exposure dose kept off: equipment, then supply and fatigue take from it.

    A full kit (1.0) gives ``full_kit_protection`` and none gives ``no_kit_protection``,
    linearly between; out of supply a unit keeps ``unsupplied_protection_share`` of it; each
    day of continuous exertion takes ``fatigue_protection_loss_per_day`` up to
    ``fatigue_max_loss``.
    """
    equipment = np.minimum(np.maximum(np.asarray(winter_equipment, dtype=float), 0.0), 1.0)
    base = p.no_kit_protection + equipment * (p.full_kit_protection - p.no_kit_protection)
    supply = np.where(np.asarray(supplied, dtype=bool), 1.0, p.unsupplied_protection_share)
    return base * supply * (1.0 - exhaustion_share(fatigue_days, p))


def exhaustion_share(fatigue_days, p: ColdParameters):
    """Share of their protection (and of their bodies' endurance) days of exertion take."""
    return np.minimum(p.fatigue_max_loss,
                      p.fatigue_protection_loss_per_day * np.asarray(fatigue_days))


def injury_probability(dose, protection_share, p: ColdParameters):
    """Chance per man of a cold injury given an exposure dose and protection."""
    effective = np.asarray(dose, dtype=float) * (1.0 - np.asarray(protection_share))
    return -np.expm1(-p.injury_per_dose * effective)


def rest_exposure_share(sheltered, dug_in, p: ColdParameters):
    """Share of resting hours spent exposed: in a village, dug in, or in the open."""
    return np.where(sheltered, p.sheltered_exposure_share,
                    np.where(dug_in, p.dug_in_exposure_share, p.bivouac_exposure_share))


def cold_injuries(rng: np.random.Generator, strength, march_hours, march_wind_chill,
                  rest_hours_outdoors, rest_wind_chill, winter_equipment, supplied,
                  fatigue_days, p: ColdParameters):
    """Cold injuries of several units in one step (arrays, one per unit).

    ``supplied`` (food and fuel in hand) sets the protection. Whether the injured die is
    :mod:`sim.evacuation`'s: it depends on their getting to an aid post.
    """
    hours_and_chill = np.array(np.broadcast_arrays(
        march_hours, rest_hours_outdoors, march_wind_chill, rest_wind_chill), dtype=float)
    march_dose, rest_dose = exposure_dose(hours_and_chill[:2], hours_and_chill[2:], p)
    dose = march_dose + rest_dose
    chance = injury_probability(dose, protection(winter_equipment, supplied, fatigue_days, p), p)
    return rng.binomial(np.asarray(strength, dtype=np.int64), chance)

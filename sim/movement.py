"""Foot-march rates over mountain terrain: pure functions, vectorised over numpy arrays.

Sources (all in ``shared/reference/combat_science.md`` §3.4):

* FM 21-18 planning rates: road 4 km/h by day and 3.2 km/h by night; cross-country 2.5 km/h by
  day and 1.6 km/h by night.
* Naismith's rule for ascent: one hour more for every 600 m climbed.
* FM 31-70: in snow 61 cm deep or deeper, troops on foot have "almost no mobility" without skis
  or snowshoes; snowshoes restore about the rate on hard ground. The FM 31-70 snow table gives
  1.5-3 km/h under about 30 cm of snow and 0.5-1 km/h over it.
* ATP 5-0.2-1 mountain classes: formed units do not march across near-vertical (class 5) ground.

The march-time of a leg is ``horizontal km / rate + ascent m / ascent rate``. The snow factor
is a hook that the weather model fills with snow depth; with no snow it is 1.
"""

from __future__ import annotations

import numpy as np

from .parameters import MovementParameters


def base_rate_km_per_h(on_road, night, p: MovementParameters):
    """FM 21-18 planning rate on level ground, in km/h, by road/cross-country and day/night."""
    on_road = np.asarray(on_road, dtype=bool)
    night = np.asarray(night, dtype=bool)
    day_rate = np.where(on_road, p.road_day_km_per_h, p.cross_country_day_km_per_h)
    night_rate = np.where(on_road, p.road_night_km_per_h, p.cross_country_night_km_per_h)
    return np.where(night, night_rate, day_rate)


def snow_rate_factor(snow_depth_m, on_road, p: MovementParameters, oversnow_gear=False):
    """Multiplier on the march rate for snow of a given depth (1 = bare ground).

    The factor falls linearly from 1 on bare ground to the FM 31-70 rate at about 30 cm of snow
    (``snow_deep_rate_factor``) and on to ``snow_immobile_rate_factor`` at 61 cm, where troops
    without skis or snowshoes have "almost no mobility"; it stays there in deeper snow. Units
    with skis or snowshoes (``oversnow_gear``) keep at least the FM 31-70 snowshoe rate. On a
    road, trodden and cleared snow counts at ``road_snow_depth_share`` of its depth.
    """
    depth = np.asarray(snow_depth_m, dtype=float)
    depth = np.where(np.asarray(on_road, dtype=bool), depth * p.road_snow_depth_share, depth)
    factor = np.interp(
        depth,
        [0.0, p.snow_deep_depth_m, p.snow_immobile_depth_m],
        [1.0, p.snow_deep_rate_factor, p.snow_immobile_rate_factor],
    )
    if oversnow_gear:
        factor = np.maximum(factor, p.snowshoe_rate_factor)
    return factor


def march_rate_km_per_h(slope_deg, on_road, night, snow_depth_m, p: MovementParameters,
                        oversnow_gear=False):
    """Horizontal march rate in km/h over ground of a given slope (no ascent time).

    Ground steeper than ``max_slope_deg`` (ATP 5-0.2-1 class 5) is impassable: rate 0.
    """
    rate = base_rate_km_per_h(on_road, night, p) * snow_rate_factor(
        snow_depth_m, on_road, p, oversnow_gear
    )
    return np.where(np.asarray(slope_deg) > p.max_slope_deg, 0.0, rate)


def leg_time_h(distance_km, climb_m, slope_deg, on_road, night, snow_depth_m,
               p: MovementParameters, oversnow_gear=False):
    """Hours to march a leg: horizontal time plus Naismith's ascent time; inf if impassable."""
    rate = march_rate_km_per_h(slope_deg, on_road, night, snow_depth_m, p, oversnow_gear)
    ascent_h = np.maximum(np.asarray(climb_m, dtype=float), 0.0) / p.naismith_ascent_m_per_h
    with np.errstate(divide="ignore"):
        flat_h = np.where(rate > 0, np.asarray(distance_km) / np.where(rate > 0, rate, 1.0), np.inf)
    # Ascent is slowed by snow as much as the horizontal part.
    factor = snow_rate_factor(snow_depth_m, on_road, p, oversnow_gear)
    return flat_h + ascent_h / factor


def march_rate_km_per_day(slope_deg, on_road, snow_depth_m, p: MovementParameters,
                          climb_m_per_km=0.0, oversnow_gear=False):
    """Distance covered in a day's march (``march_hours_per_day`` of daylight marching), in km."""
    hours_per_km = leg_time_h(1.0, climb_m_per_km, slope_deg, on_road, False, snow_depth_m, p,
                              oversnow_gear)
    with np.errstate(divide="ignore"):
        return np.where(np.isfinite(hours_per_km), p.march_hours_per_day / hours_per_km, 0.0)


def ground_rate_factors(snow_depth_m, weather_factor, shape, p: MovementParameters,
                        oversnow_gear=False):
    """Per-cell multipliers on the march rate off and on roads: snow times weather (storm, fog).

    Returns (off_road, on_road) arrays of ``shape``; 1 on bare ground in fair weather.
    """
    off, on = cell_rate_factors(snow_depth_m, weather_factor, p, oversnow_gear)
    return np.broadcast_to(off, shape), np.broadcast_to(on, shape)


def cell_rate_factors(snow_depth_m, weather_factor, p: MovementParameters, oversnow_gear=False):
    """Multipliers on the march rate off and on roads: snow times weather (storm, fog).

    Takes arrays or the values of one cell; None stands for bare ground and fair weather.
    """
    snow = 0.0 if snow_depth_m is None else snow_depth_m
    weather = 1.0 if weather_factor is None else weather_factor
    if isinstance(snow, float):  # one cell, as a battalion marches: the same rule in plain floats
        return (_one_cell_snow_factor(snow, p, oversnow_gear) * weather,
                _one_cell_snow_factor(snow * p.road_snow_depth_share, p, oversnow_gear) * weather)
    return (snow_rate_factor(snow, False, p, oversnow_gear) * weather,
            snow_rate_factor(snow, True, p, oversnow_gear) * weather)


def _one_cell_snow_factor(depth_m: float, p: MovementParameters, oversnow_gear: bool) -> float:
    """:func:`snow_rate_factor` of one depth, computed as ``np.interp`` computes it."""
    xs = (0.0, p.snow_deep_depth_m, p.snow_immobile_depth_m)
    ys = (1.0, p.snow_deep_rate_factor, p.snow_immobile_rate_factor)
    if depth_m <= xs[0]:
        factor = ys[0]
    elif depth_m >= xs[2]:
        factor = ys[2]
    else:
        j = 0 if depth_m < xs[1] else 1
        if depth_m == xs[j]:
            factor = ys[j]
        else:
            factor = (ys[j + 1] - ys[j]) / (xs[j + 1] - xs[j]) * (depth_m - xs[j]) + ys[j]
    return max(factor, p.snowshoe_rate_factor) if oversnow_gear else factor

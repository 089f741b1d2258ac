"""The winter's toll in one step: cold injury and avalanches on every battalion in the field.

Each mechanism is one vectorised draw over all battalions, from the physics of
:mod:`sim.cold` (wind chill, exposure, frostbite: ``combat_science.md`` §3) and
:mod:`sim.avalanche` (release on steep slopes under fresh snow, §5). Marching hours are spent
at the coldest cell crossed in the step, resting hours where the battalion stands (under a
roof in a village or town); avalanches may strike on any cell crossed or occupied. Fatigue
builds with marching and eases with rest.
"""

from __future__ import annotations

import numpy as np

from . import avalanche, cold


def apply_winter_attrition(model) -> None:
    """Cold injury and avalanches for every battalion in the field; fatigue builds or eases."""
    units = [u for u in model.battalions.values() if u.in_field]
    weather, step_hours = model.weather, model.spec.step_hours
    if weather is not None and units:
        lengths = np.array([len(u.step_cells) for u in units])
        cells = tuple(np.array([c for u in units for c in u.step_cells]).T)
        air_c, wind_ms = weather.temperature_c[cells], weather.wind_ms[cells]
        here = np.cumsum(lengths) - 1  # where each battalion stands at the end of the step
        for unit, temperature, wind, snow in zip(
                units, air_c[here].tolist(), wind_ms[here].tolist(),
                weather.snow_depth_m[tuple(axis[here] for axis in cells)].tolist()):
            unit.feel_weather(temperature, wind, snow)
        if model.spec.weather.cold_injury:
            cold_injuries(model, units, lengths, air_c, wind_ms, step_hours)
        if model.spec.weather.avalanches:
            avalanches(model, units, cells, lengths, air_c, step_hours)
    for unit in units:
        unit.tire_or_recover(step_hours)


def cold_injuries(model, units, lengths, air_c, wind_ms, step_hours) -> None:
    """One draw of cold injuries over the battalions.

    ``air_c`` and ``wind_ms`` are read on the cells each crossed, ``lengths`` cells each.
    """
    p = model.spec.parameters.cold
    (march_hours, sheltered, dug_in, strength, equipment, supplied, fatigue,
     evacuable) = np.array([(u.march_hours_step, u.sheltered, u.dug_in, u.strength,
                             u.winter_equipment, u.supplied, u.fatigue_days, u.supply_path)
                            for u in units], dtype=float).T
    exposure = cold.rest_exposure_share(sheltered != 0, dug_in != 0, p)
    chill = cold.wind_chill_c(air_c, wind_ms)
    ends = np.cumsum(lengths)
    march_chill = np.minimum.reduceat(chill, ends - lengths)
    rest_chill = chill[ends - 1]  # where the battalion stands at the end of the step
    rest_outdoors = np.maximum(step_hours - march_hours, 0.0) * exposure
    injured, dead = cold.cold_casualties(
        model.rng, strength.astype(np.int64), march_hours, march_chill, rest_outdoors,
        rest_chill, equipment, supplied != 0, fatigue, p, evacuable=evacuable != 0)
    for unit, hurt, died in zip(units, injured.tolist(), dead.tolist()):
        if hurt:
            unit.lose("cold_dead", died)
            unit.lose("cold_injured", hurt - died)


def avalanches(model, units, cells, lengths, air_c, step_hours) -> None:
    """Avalanches on the cells each battalion crossed or holds.

    One draw per battalion every step, fresh snow or not, so the random stream does not
    hang on the snow.
    """
    weather, p = model.weather, model.spec.parameters.avalanche
    draws = model.rng.random(len(units))
    fresh = weather.fresh_snow_m[cells]
    if not fresh.max() > p.min_fresh_snow_m:  # no release below the minimum new snow
        return
    release = avalanche.release_probability(
        model.avalanche_terrain[cells], fresh, air_c, step_hours, p)
    strike = avalanche.strike_probability(release, np.repeat(np.arange(len(units)), lengths),
                                          len(units))
    for unit in (u for u, hit in zip(units, draws < strike) if hit):
        caught = int(model.rng.binomial(unit.strength, p.caught_share))
        dead = unit.lose("avalanche_dead", int(model.rng.binomial(caught, p.caught_lethality)))
        model.log_event("avalanche", unit=unit.battalion_id, cause="fresh snow on steep slope",
                        place=f"{unit.coordinate}", dead=dead)

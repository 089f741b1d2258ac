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

from . import avalanche, cold, hypothermia


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
            hypothermia_deaths(model, units, lengths, cells, air_c, wind_ms, step_hours)
        if model.spec.weather.avalanches:
            avalanches(model, units, cells, lengths, air_c, step_hours)
    for unit in units:
        unit.tire_or_recover(step_hours)


def cold_injuries(model, units, lengths, air_c, wind_ms, step_hours) -> None:
    """One draw of cold injuries over the battalions.

    ``air_c`` and ``wind_ms`` are read on the cells each crossed, ``lengths`` cells each.
    """
    p = model.spec.parameters.cold
    (march_hours, sheltered, dug_in, strength, equipment, supplied,
     fatigue) = np.array([(u.march_hours_step, u.sheltered, u.dug_in, u.strength,
                           u.winter_equipment, u.supplied, u.fatigue_days)
                          for u in units], dtype=float).T
    exposure = cold.rest_exposure_share(sheltered != 0, dug_in != 0, p)
    chill = cold.wind_chill_c(air_c, wind_ms)
    ends = np.cumsum(lengths)
    march_chill = np.minimum.reduceat(chill, ends - lengths)
    rest_chill = chill[ends - 1]  # where the battalion stands at the end of the step
    rest_outdoors = np.maximum(step_hours - march_hours, 0.0) * exposure
    injured = cold.cold_injuries(
        model.rng, strength.astype(np.int64), march_hours, march_chill, rest_outdoors,
        rest_chill, equipment, supplied != 0, fatigue, p)
    for unit, hurt in zip(units, injured.tolist()):
        if hurt:
            unit.lose("cold_injured", hurt)


def hypothermia_deaths(model, units, lengths, cells, air_c, wind_ms, step_hours) -> None:
    """The men's heat debt through the step, and the deaths it brings (:mod:`sim.hypothermia`).

    The step's marching hours are spent at the cell crossed where the body loses heat fastest,
    making the heat of marching; its resting hours where the battalion stands, the exposed
    share of them (:func:`sim.cold.rest_exposure_share`: a village, a dug-in position or the
    open) sitting still and shivering in the wind, in clothing wet with any snow falling
    there; the rest out of the wind, paying the debt back under a roof, by the stoves its
    vehicles carry while it is supplied, or by wood fires below the tree line; else still
    shivering.
    Marching and shivering burn the same fuel: as it runs out (sooner with exhaustion) both
    make less heat, fat keeping up a share of it; meals give it back. Those whose lethal debt
    the step's deepest debt passes die.
    """
    p, cold_p = model.spec.parameters.hypothermia, model.spec.parameters.cold
    (march_hours, sheltered, dug_in, strength, equipment, supplied, fatigue, debt, worst,
     shivered, trains) = np.array([(u.march_hours_step, u.sheltered, u.dug_in, u.strength,
                                    u.winter_equipment, u.supplied, u.fatigue_days,
                                    u.heat_debt_j_m2, u.worst_heat_debt_j_m2,
                                    u.shivering_hours, u.has_trains)
                                   for u in units], dtype=float).T
    ends = np.cumsum(lengths)
    here = ends - 1
    stand = tuple(axis[here] for axis in cells)  # where each stands at the end of the step
    snowing = model.weather.precip_mm[stand] > 0
    dry_clo = hypothermia.clothing_clo(equipment, False, p)
    march_loss = np.maximum.reduceat(
        hypothermia.heat_loss_w_m2(air_c, wind_ms, np.repeat(dry_clo, lengths), p), ends - lengths)
    rest_loss = hypothermia.heat_loss_w_m2(
        air_c[here], wind_ms[here], hypothermia.clothing_clo(equipment, snowing, p), p)
    rest_hours = np.maximum(step_hours - march_hours, 0.0)
    outdoors = rest_hours * cold.rest_exposure_share(sheltered != 0, dug_in != 0, cold_p)
    endurance = hypothermia.shivering_endurance_h(cold.exhaustion_share(fatigue, cold_p), p)
    marching_heat = hypothermia.marching_heat_w_m2(shivered, endurance, p)
    debt = np.maximum(0.0, debt + hypothermia.debt_gained(
        march_hours, march_loss, marching_heat, 0.0, endurance, p, shivering=False))
    shivered = shivered + march_hours * hypothermia.march_fuel_h_per_h(p)
    debt = np.maximum(0.0, debt + hypothermia.debt_gained(
        outdoors, rest_loss, p.resting_heat_w_m2, shivered, endurance, p))
    shivered = shivered + outdoors
    before = hypothermia.share_dead(worst, p)
    # The rest of the halt is out of the wind (tents, dugouts, snow holes): warmed by a roof,
    # by the stoves its vehicles carry while there is fuel (supplied), by wood fires below the
    # tree line, or else sitting still in calm air, shivering.
    sheltered_hours = rest_hours - outdoors
    wood = model.world.terrain.elevation_m[stand] < model.spec.parameters.terrain.tree_line_m
    heated = (sheltered != 0) | ((supplied != 0) & (trains != 0)) | wood
    calm_loss = hypothermia.heat_loss_w_m2(
        air_c[here], 0.0, hypothermia.clothing_clo(equipment, snowing, p), p)
    cold_shelter = np.maximum(0.0, debt + hypothermia.debt_gained(
        sheltered_hours, calm_loss, p.resting_heat_w_m2, shivered, endurance, p))
    deepest = np.maximum(worst, debt)  # out in the wind, before the shelter
    debt = np.where(heated, debt, cold_shelter)
    shivered = np.where(heated, shivered, shivered + sheltered_hours)
    deepest = np.maximum(deepest, debt)
    after = hypothermia.share_dead(deepest, p)
    chance = np.clip((after - before) / np.maximum(1.0 - before, 1e-12), 0.0, 1.0)
    dead = model.rng.binomial(strength.astype(np.int64), chance)
    debt = np.where(heated, np.maximum(0.0, debt - p.rewarm_w_m2 * sheltered_hours * 3600.0),
                    debt)
    shivered = np.where(supplied != 0,
                        np.maximum(0.0, shivered - p.fed_refuel_h_per_h * step_hours), shivered)
    unheated = np.where(heated, 0.0, sheltered_hours)
    for unit, died, owed, deep, hours, windy, cold_rest in zip(
            units, dead.tolist(), debt.tolist(), deepest.tolist(), shivered.tolist(),
            outdoors.tolist(), unheated.tolist()):
        unit.endure_cold(owed, deep, hours, windy, cold_rest)
        if died:
            unit.lose("hypothermia_dead", died)


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

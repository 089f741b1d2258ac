"""The weather generator against the climatology it is calibrated to (kalbajar_facts [climate])."""

import datetime as dt

import numpy as np
import pytest

from sim.scenario import WeatherForcing, load_scenario
from sim.weather import Weather, mean_temperature_c, wind_exposure

from .conftest import HISTORICAL

P = load_scenario(HISTORICAL).parameters.weather  # the theatre's climate as the scenario states it
# Martakert 415 m, Goygol 697 m, the 2,000 m and 3,000 m reference heights.
HEIGHTS = np.array([[415.0, 697.0, 2000.0, 3000.0]])


def monthly_means(month: int, years: int = 20, seed: int = 1):
    """Mean temperature of a month over many simulated years, in 6-hour steps."""
    weather = Weather(HEIGHTS, 1000.0, P, np.random.default_rng(seed))
    sums, count = np.zeros(HEIGHTS.shape), 0
    for year in range(years):
        when = dt.datetime(1990 + year, month, 1) - dt.timedelta(days=30)
        while when < dt.datetime(1990 + year, month + 1, 1):
            weather.advance(when, 6.0)
            if when.month == month:
                sums += weather.temperature_c
                count += 1
            when += dt.timedelta(hours=6)
    return (sums / count)[0]


def test_january_means_match_the_climatology():
    martakert, goygol, at_2000, at_3000 = monthly_means(1)
    assert -6.5 <= at_2000 <= -4.5  # -6 to -5 at 2,000 m (S64)
    assert -13.5 <= at_3000 <= -11.5  # -13 to -12 at 3,000 m (S64)
    assert 6.0 <= at_2000 - at_3000 <= 8.0  # lapse 6-8 degC/km, about 7 (facts)
    assert goygol == pytest.approx(1.1, abs=1.2)  # Goygol 697 m, +1.1 (S50)
    assert martakert == pytest.approx(2.05, abs=1.5)  # Martakert mean of +5.8 / -1.7 (S44)


def test_july_means_match_the_climatology():
    _, _, at_2000, at_3000 = monthly_means(7, years=10)
    assert 13.5 <= at_2000 <= 16.5  # 14-16 at 2,000 m (S64)
    assert 7.5 <= at_3000 <= 10.5  # 8-10 above 3,000 m (S64)


def test_september_is_autumn_without_any_other_change():
    september = mean_temperature_c(2000.0, dt.date(1993, 9, 15).timetuple().tm_yday, P)
    january = mean_temperature_c(2000.0, dt.date(1994, 1, 15).timetuple().tm_yday, P)
    assert september > 8 and january < -5


def test_snow_falls_below_freezing_and_piles_up_with_height():
    heights = np.array([[800.0, 1600.0, 2400.0, 3200.0]])
    weather = Weather(heights, 1000.0, P, np.random.default_rng(3))
    weather.spin_up(dt.datetime(1994, 2, 1), 120)
    depth = weather.snow_depth_m[0]
    assert np.all(np.diff(depth) >= 0) and depth[-1] > 0.3 and depth[0] < depth[-1] / 3
    when = dt.datetime(1994, 2, 1)
    for _ in range(200):
        weather.advance(when, 6.0)
        warm = weather.temperature_c >= P.snow_below_c
        assert np.all(weather.snowfall_m[warm] == 0)
        assert np.all(weather.fresh_snow_m <= weather.snow_depth_m + 1e-12)
        when += dt.timedelta(hours=6)


def test_fresh_snow_is_the_last_72_hours_only():
    weather = Weather(np.array([[2500.0]]), 1000.0, P, np.random.default_rng(0),
                      forcing=[WeatherForcing(start=dt.date(1994, 1, 10), end=dt.date(1994, 1, 10),
                                              precipitation_mm_per_day=20.0,
                                              temperature_offset_c=-5.0),
                               WeatherForcing(start=dt.date(1994, 1, 11), end=dt.date(1994, 1, 20),
                                              precipitation_mm_per_day=0.0)])
    when = dt.datetime(1994, 1, 10)
    for _ in range(4):
        weather.advance(when, 6.0)
        when += dt.timedelta(hours=6)
    assert weather.fresh_snow_m[0, 0] > 0.15
    for _ in range(13):  # 78 h later
        weather.advance(when, 6.0)
        when += dt.timedelta(hours=6)
    assert weather.fresh_snow_m[0, 0] == pytest.approx(0.0, abs=1e-9)
    assert weather.snow_depth_m[0, 0] > 0.05


def test_forcing_imposes_recorded_weather_and_can_be_switched_off():
    forcing = [WeatherForcing(start=dt.date(1994, 2, 12), end=dt.date(1994, 2, 14),
                              precipitation_mm_per_day=15.0, temperature_offset_c=-6.0)]
    forced = Weather(HEIGHTS, 1000.0, P, np.random.default_rng(5), forcing=forcing)
    free = Weather(HEIGHTS, 1000.0, P, np.random.default_rng(5))
    forced.advance(dt.datetime(1994, 2, 12, 6), 6.0)
    free.advance(dt.datetime(1994, 2, 12, 6), 6.0)
    assert forced.forced and not free.forced
    assert forced.precip_mm[0, 2] == pytest.approx(15.0 / 4)
    assert forced.temperature_c[0, 2] == pytest.approx(free.temperature_c[0, 2] - 6.0)


def test_ridges_and_passes_are_windier_and_storms_reach_pass_strength(world):
    terrain = world.terrain
    exposure = wind_exposure(terrain.elevation_m, terrain.cell_size_m, P)
    assert exposure[world.places["omar_pass"]] > 2 * exposure[world.places["kalbajar"]]
    weather = Weather(terrain.elevation_m, terrain.cell_size_m, P, np.random.default_rng(2))
    crest = []
    when = dt.datetime(1993, 12, 1)
    for _ in range(4 * 90):
        weather.advance(when, 6.0)
        crest.append(weather.wind_ms[world.places["omar_pass"]])
        when += dt.timedelta(hours=6)
    # Winds up to 20 m/s, and in mountain passes up to 40 m/s (S67).
    assert 20 <= np.percentile(crest, 99) <= 40
    assert np.median(crest) < 20


@pytest.mark.parametrize("bound", [None, 40.0])
def test_the_wind_never_exceeds_the_theatres_strongest(world, bound):
    terrain = world.terrain
    p = P.model_copy(update={"wind_max_ms": bound})
    weather = Weather(terrain.elevation_m, terrain.cell_size_m, p, np.random.default_rng(2))
    strongest = 0.0
    when = dt.datetime(1993, 12, 1)
    for _ in range(4 * 90):
        weather.advance(when, 6.0)
        strongest = max(strongest, float(weather.wind_ms.max()))
        when += dt.timedelta(hours=6)
    if bound is None:
        assert strongest > 40.0  # the exposure on the highest ridges would carry it further
    else:
        assert strongest == pytest.approx(bound)


def test_weather_is_reproducible_from_the_seed():
    runs = []
    for _ in range(2):
        weather = Weather(HEIGHTS, 1000.0, P, np.random.default_rng(11))
        weather.spin_up(dt.datetime(1994, 1, 1), 60)
        runs.append(weather.snow_depth_m.copy())
    assert np.array_equal(*runs)


def test_layers_updated_in_place_follow_wet_and_dry_steps():
    wet = dict(precipitation_mm_per_day=20.0, temperature_offset_c=-5.0)
    forcing = [WeatherForcing(start=dt.date(1994, 1, 10), end=dt.date(1994, 1, 10), **wet),
               WeatherForcing(start=dt.date(1994, 1, 11), end=dt.date(1994, 1, 11),
                              precipitation_mm_per_day=0.0),
               WeatherForcing(start=dt.date(1994, 1, 12), end=dt.date(1994, 1, 12), **wet)]
    weather = Weather(HEIGHTS, 1000.0, P, np.random.default_rng(4), forcing=forcing)
    when = dt.datetime(1994, 1, 10)
    for _ in range(12):
        weather.advance(when, 6.0)
        single = Weather(HEIGHTS, 1000.0, P, np.random.default_rng(4), forcing=forcing)
        single.advance(when, 6.0)
        for layer in ("precip_mm", "fog", "rate_factor"):
            assert np.array_equal(getattr(weather, layer), getattr(single, layer)), (when, layer)
        assert (weather.snowfall_m > 0).any() == (when.day != 11)
        when += dt.timedelta(hours=6)

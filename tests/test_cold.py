"""Cold-injury functions against the tables and figures they come from (combat_science §3.1-3.2)."""

import numpy as np
import pytest

from sim.cold import (
    cold_injuries,
    exposure_dose,
    frostbite_minutes,
    injury_probability,
    protection,
    wind_chill_c,
)
from sim.parameters import ColdParameters

P = ColdParameters()


def f_to_c(f):
    return (f - 32.0) * 5.0 / 9.0


@pytest.mark.parametrize(
    ("temp_f", "wind_mph", "chart_f"),
    # NWS wind chill chart (2001), in degF and mph.
    [(40, 5, 36), (30, 10, 21), (20, 40, -1), (10, 20, -9), (0, 15, -19), (-10, 25, -37),
     (-20, 30, -53), (-35, 60, -84)],
)
def test_wind_chill_matches_the_nws_chart(temp_f, wind_mph, chart_f):
    chill = wind_chill_c(f_to_c(temp_f), wind_mph * 0.44704)
    assert chill == pytest.approx(f_to_c(chart_f), abs=0.6)  # chart rounded to 1 degF


def test_wind_chill_outside_the_formula_is_the_air_temperature():
    assert wind_chill_c(15.0, 10.0) == 15.0
    assert wind_chill_c(-10.0, 1.0) == -10.0  # 3.6 km/h, below 4.8


@pytest.mark.parametrize(
    ("chill", "low", "high"),
    # Environment Canada: -28 to -39: 10-30 min; -40 to -47: 5-10; -48 to -54: 2-5; <= -55: < 2.
    [(-28, 10, 30), (-33, 10, 30), (-39, 10, 30), (-40, 5, 10), (-44, 5, 10), (-47, 5, 10),
     (-48, 2, 5), (-51, 2, 5), (-54, 2, 5), (-55, 0, 2), (-62, 0, 2)],
)
def test_frostbite_times_fall_in_the_environment_canada_bands(chill, low, high):
    assert low - 1e-9 <= frostbite_minutes(chill, P) <= high + 1e-9


def test_no_freezing_injury_above_orrs_threshold_and_16_hours_at_it():
    assert frostbite_minutes(-5.0, P) == np.inf
    assert frostbite_minutes(-7.01, P) == pytest.approx(16 * 60, rel=0.01)
    times = frostbite_minutes(np.linspace(-60, -8, 50), P)
    assert np.all(np.diff(times) > 0)


def chosin_casualty_share(kit):
    # 17 days at about -30 to -40 F with wind: wind chill about -45 C; 70 % of hours outdoors.
    dose = exposure_dose(17 * 24 * 0.7, -45.0, P)
    return float(injury_probability(dose, protection(kit, True, 0, P), P))


def test_equipped_troops_in_chosin_weather_lose_about_a_fifth():
    # 1st Marine Division: 3,349 non-battle casualties, almost all frostbite, about 1/5.
    assert 0.12 <= chosin_casualty_share(1.0) <= 0.35


def test_unequipped_units_suffer_many_times_more_in_the_same_weather():
    # Korea: one unit lost 42 % of front-line infantry, a comparable unit practically none.
    moderate = exposure_dose(90 * 4, -20.0, P)  # a winter on the line, 4 h a day outdoors
    equipped = float(injury_probability(moderate, protection(1.0, True, 0, P), P))
    bare = float(injury_probability(moderate, protection(0.0, True, 0, P), P))
    assert equipped < 0.05 and 0.3 <= bare <= 0.6
    assert chosin_casualty_share(0.0) > 3 * chosin_casualty_share(1.0)


def test_protection_falls_out_of_supply_and_with_fatigue():
    fresh = protection(0.5, True, 0, P)
    assert protection(0.5, False, 0, P) < fresh
    assert protection(0.5, True, 10, P) < fresh
    assert protection(0.5, True, 1000, P) == pytest.approx(fresh * (1 - P.fatigue_max_loss))
    assert protection(1.0, True, 0, P) == pytest.approx(P.full_kit_protection)


def test_injury_draws_stay_within_the_ranks_and_rise_out_of_supply():
    rng = np.random.default_rng(0)
    n = 2000
    args = dict(march_hours=np.full(n, 6.0), march_wind_chill=np.full(n, -35.0),
                rest_hours_outdoors=np.zeros(n), rest_wind_chill=np.full(n, -35.0),
                winter_equipment=np.full(n, 0.3), fatigue_days=np.zeros(n), p=P)
    injured = cold_injuries(rng, np.full(n, 500), supplied=np.ones(n, bool), **args)
    assert np.all((0 <= injured) & (injured <= 500))
    cut_injured = cold_injuries(rng, np.full(n, 500), supplied=np.zeros(n, bool), **args)
    assert cut_injured.mean() > injured.mean()

"""March rates against the tables they come from (combat_science.md §3.4)."""

import numpy as np
import pytest

from sim.movement import (
    cell_rate_factors,
    leg_time_h,
    march_rate_km_per_day,
    march_rate_km_per_h,
    snow_rate_factor,
)
from sim.parameters import MovementParameters

P = MovementParameters()


@pytest.mark.parametrize(
    ("on_road", "night", "km_per_h"),
    [(True, False, 4.0), (True, True, 3.2), (False, False, 2.5), (False, True, 1.6)],
)
def test_fm_21_18_planning_rates_on_level_bare_ground(on_road, night, km_per_h):
    assert march_rate_km_per_h(0.0, on_road, night, 0.0, P) == pytest.approx(km_per_h)


def test_naismith_adds_an_hour_per_600_m_of_ascent():
    assert leg_time_h(4.0, 600.0, 8.5, True, False, 0.0, P) == pytest.approx(1.0 + 1.0)
    assert leg_time_h(5.0, 1200.0, 13.5, False, False, 0.0, P) == pytest.approx(2.0 + 2.0)


def test_descent_costs_only_the_horizontal_time():
    assert leg_time_h(2.5, -600.0, 13.5, False, False, 0.0, P) == pytest.approx(1.0)


def test_ground_steeper_than_a_formed_unit_can_march_is_impassable():
    assert march_rate_km_per_h(P.max_slope_deg + 1, False, False, 0.0, P) == 0
    assert leg_time_h(1.0, 900.0, P.max_slope_deg + 1, False, False, 0.0, P) == np.inf


def test_fm_31_70_snow_table_bands_on_foot_cross_country():
    def rate(depth):
        return float(march_rate_km_per_h(0.0, False, False, depth, P))

    assert 1.5 <= rate(0.15) <= 3.0  # "under about 30 cm: 1.5-3 km/h"
    assert 0.5 <= rate(0.30) <= 1.0  # "over about 30 cm: 0.5-1 km/h"
    assert 0.5 <= rate(0.45) <= 1.0
    assert rate(0.61) < 0.5  # "almost no mobility" from 61 cm without skis or snowshoes
    assert rate(1.5) == pytest.approx(rate(0.61))


def test_snowshoes_restore_about_the_rate_on_hard_ground():
    with_shoes = march_rate_km_per_h(0.0, False, False, 1.0, P, oversnow_gear=True)
    assert 1.5 <= with_shoes <= 3.0  # FM 31-70 snowshoes 1.5-3 km/h
    assert snow_rate_factor(0.0, False, P, oversnow_gear=True) == 1.0


def test_snow_factor_falls_with_depth_and_roads_count_half():
    depths = np.linspace(0, 1, 21)
    factor = snow_rate_factor(depths, False, P)
    assert factor[0] == 1.0 and np.all(np.diff(factor) <= 0)
    assert snow_rate_factor(0.4, True, P) == pytest.approx(snow_rate_factor(0.2, False, P))


def test_a_days_march_on_a_level_road_is_32_km():
    assert march_rate_km_per_day(0.0, True, 0.0, P) == pytest.approx(32.0)
    assert march_rate_km_per_day(0.0, False, 0.0, P) == pytest.approx(20.0)


def test_rates_are_vectorised():
    slopes = np.array([0.0, 10.0, 50.0])
    rates = march_rate_km_per_h(slopes, [True, False, False], False, [0.0, 0.3, 0.0], P)
    assert rates.tolist() == pytest.approx([4.0, 1.0, 0.0])


def test_one_cell_rate_factors_agree_with_the_grid_rule():
    depths = [0.0, 0.05, 0.3, 0.31, 0.45, 0.61, 0.9, 2.0]
    for gear in (False, True):
        for depth in depths:
            one = cell_rate_factors(depth, 0.7, P, gear)
            grid = cell_rate_factors(np.array([depth]), np.array([0.7]), P, gear)
            assert one[0] == grid[0][0] and one[1] == grid[1][0]

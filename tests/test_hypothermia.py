"""Hypothermia: survival times against Tikuisis (1995), and who dies of the heat debt."""

import math

import numpy as np
import pytest

from sim import hypothermia as H
from sim.model import OperationModel
from sim.parameters import HypothermiaParameters
from sim.winter import hypothermia_deaths

P = HypothermiaParameters()
CALM, BREEZE = 1 / 3.6, 5 / 3.6  # m/s: the table's 1 and 5 km/h
TWO_LAYERS_CLO = 0.991  # the table's two loose 1 mm layers with their air, as fitted


@pytest.mark.parametrize("air_c, hours", [(-30, 1.8), (-20, 2.5), (-10, 4.1), (0, 9.0)])
def test_nude_in_calm_air_survives_as_tikuisis_predicts(air_c, hours):
    assert H.survival_hours(air_c, CALM, 0.0, P) == pytest.approx(hours, rel=0.05)


@pytest.mark.parametrize("air_c, hours", [(-50, 4.0), (-40, 5.6), (-30, 8.6), (-20, 15.4)])
def test_two_layers_in_a_breeze_survive_as_tikuisis_predicts(air_c, hours):
    assert H.survival_hours(air_c, BREEZE, TWO_LAYERS_CLO, P) == pytest.approx(hours, rel=0.05)


def test_beyond_a_day_where_the_table_says_so():
    assert H.survival_hours(10, CALM, 0.0, P) > 24
    assert H.survival_hours(-10, BREEZE, TWO_LAYERS_CLO, P) > 24


def test_kit_wind_and_hunger_move_survival_time_by_hours_to_days():
    uniform = H.survival_hours(-15, 5.0, P.no_kit_clo, P)
    kit = H.survival_hours(-15, 5.0, P.full_kit_clo, P)
    assert kit > 5 * uniform
    assert H.survival_hours(-15, 10.0, P.no_kit_clo, P) < uniform
    exhausted = H.survival_hours(-15, 5.0, P.no_kit_clo, P,
                                 endurance_h=float(H.shivering_endurance_h(0.4, P)))
    assert exhausted < uniform
    wet = H.clothing_clo(0.0, True, P)
    assert wet == pytest.approx(P.no_kit_clo * P.wet_clothing_factor)


def test_deaths_rise_steeply_around_the_lethal_debt():
    lethal = P.lethal_heat_debt_mj_m2 * 1e6
    assert H.share_dead(lethal, P) == pytest.approx(0.5)
    assert H.share_dead(0.5 * lethal, P) < 0.01
    assert H.share_dead(2.0 * lethal, P) > 0.99


def test_marching_men_make_more_heat_than_they_lose():
    loss = H.heat_loss_w_m2(-15, 5.0, P.no_kit_clo, P)
    assert loss < P.marching_heat_w_m2
    assert H.debt_gained(6, loss, P.marching_heat_w_m2, 0, 24, P, shivering=False) < 0


def test_the_unfed_in_the_open_freeze_the_fed_and_the_housed_do_not(scenario):
    """Three battalions halted at -18 degC in an 8 m/s wind for three days (the retreat's
    cold, S9), one in the open above the tree line with no food, one there with food, one in a
    village with no food."""
    model = OperationModel(scenario, rng=0)
    open_unfed, open_fed = model.battalions["az_701_1"], model.battalions["az_701_2"]
    village_unfed = model.battalions["az_712"]
    units = [open_unfed, open_fed, village_unfed]
    open_unfed.cell = open_fed.cell = model.grid[model.world.places["omar_pass"]]
    for unit in (open_unfed, village_unfed):
        unit.restock(False, 0.0, 0.0, 100.0, 0.0)  # nothing left to eat
    assert not open_unfed.supplied and open_fed.supplied
    assert not open_unfed.sheltered and village_unfed.sheltered
    lengths = np.ones(3, dtype=int)
    cells = tuple(np.array([u.coordinate for u in units]).T)
    air, wind = np.full(3, -18.0), np.full(3, 8.0)
    model.weather.precip_mm[cells] = 0.0
    for _ in range(12):
        for unit in units:
            unit.start_step()
        hypothermia_deaths(model, units, lengths, cells, air, wind, 6.0)
    assert open_unfed.losses["hypothermia_dead"] > 0.25 * open_unfed.joined
    assert open_fed.losses["hypothermia_dead"] == 0
    assert village_unfed.losses["hypothermia_dead"] == 0
    for unit in units:
        assert unit.strength + sum(unit.losses.values()) == unit.joined
        assert math.isfinite(unit.heat_debt_j_m2) and unit.heat_debt_j_m2 >= 0

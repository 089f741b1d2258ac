"""Equipment is shelter: a battalion cut off that falls back leaves its vehicles, and with them
its tents, stoves, stocks and spare kit (S9)."""

import pytest

from sim.model import OperationModel
from sim.scenario import load_scenario

from .conftest import POSTS
from .test_supply import CUTTER, QUIET


def cut_off_village(changes=()):
    model = OperationModel(load_scenario(POSTS, QUIET + CUTTER + list(changes)), rng=0)
    village = model.battalions["village_post"]
    while village.cut_since is None and model.time < 40:
        model.run_for(1)
    return model, village


def test_a_battalion_cut_off_that_falls_back_leaves_its_vehicles():
    model, village = cut_off_village()
    p = model.spec.parameters
    kit = village.winter_equipment
    assert village.has_trains and village.cut_since is not None
    village.withdraw("toganali")
    assert not village.has_trains
    assert village.winter_equipment == pytest.approx(kit * (1 - p.cold.kit_in_trains_share))
    assert village.supply_days <= p.supply.on_man_days
    events = [e for e in model.events if e["event"] == "trains_abandoned"]
    assert [(e["unit"], e["cause"]) for e in events] == [("village_post",
                                                         "cut off from its roads")]
    village.restock(True, 7.0, 10.0, 0.25, 1.0)  # back on a road: only what the men carry
    assert village.supply_days <= p.supply.on_man_days


def test_a_battalion_on_its_roads_falls_back_with_its_vehicles():
    model = OperationModel(load_scenario(POSTS, QUIET), rng=0)
    model.run_for(2)
    ridge = model.battalions["ridge_post"]
    assert ridge.supply_path and ridge.cut_since is None
    ridge.withdraw("toganali")
    assert ridge.has_trains


# Blue holds the north; a cold snap on the crest.
COLD_SNAP = ["sides.blue.holds=['toganali']", "weather.temperature_offset_c=-15"]


def test_without_its_stoves_a_supplied_battalion_above_the_trees_stays_cold():
    """The same post on the Omar crest, with and without its vehicles, in the same weather."""
    debts, frozen = {}, {}
    for trains in (True, False):
        model = OperationModel(load_scenario(POSTS, COLD_SNAP), rng=0)
        ridge = model.battalions["ridge_post"]
        assert model.world.terrain.elevation_m[ridge.coordinate] > \
            model.spec.parameters.terrain.tree_line_m
        if not trains:
            ridge.lose_trains("test")
        model.run_for(40)  # ten days
        assert ridge.supply_path
        debts[trains] = ridge.worst_heat_debt_j_m2
        frozen[trains] = ridge.losses["hypothermia_dead"]
    assert debts[False] > debts[True]
    assert frozen[False] > frozen[True]

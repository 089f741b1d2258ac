"""The winter as a mechanism: cold, shelter, equipment and closed passes change outcomes."""

import numpy as np

from sim.model import OperationModel
from sim.scenario import load_scenario

from .conftest import POSTS

SEEDS = range(3)


def cold_losses(overrides, battalion, seeds=SEEDS, steps=None):
    scenario = load_scenario(POSTS, overrides)
    total = 0
    for seed in seeds:
        model = OperationModel(scenario, rng=seed)
        model.run_for(steps or scenario.steps)
        unit = model.battalions[battalion]
        total += unit.losses["cold_injured"] + unit.losses["cold_dead"]
    return total


def test_crossing_the_murov_in_january_costs_far_more_than_in_september():
    january = cold_losses([], "column")
    september = cold_losses(["start_date=1993-09-15"], "column")
    assert january > 5 * max(september, 1)


def test_a_village_shelters_better_than_the_open_ridge():
    assert cold_losses([], "ridge_post") > 3 * cold_losses([], "village_post")


def test_full_winter_equipment_cuts_cold_losses():
    poor = cold_losses([], "ridge_post")
    equipped = cold_losses(["sides.blue.winter_equipment=1.0"], "ridge_post")
    assert equipped < poor / 4


def test_colder_and_snowier_whatifs_cost_more():
    base = cold_losses([], "ridge_post")
    assert cold_losses(["weather.temperature_offset_c=-5"], "ridge_post") > base
    assert cold_losses(["weather.temperature_offset_c=5"], "ridge_post") < base


def test_no_cold_losses_when_the_winter_mechanism_is_off():
    assert cold_losses(["weather.enabled=false"], "ridge_post") == 0
    assert cold_losses(["weather.cold_injury=false"], "ridge_post") == 0


def test_a_closed_pass_stops_road_traffic():
    scenario = load_scenario(POSTS, ["weather.enabled=false"])
    model = OperationModel(scenario, rng=0)
    omar = next(r for r in model.passes.roads if r.edge.v == "omar_pass")
    # Half a metre of new snow on the crest closes the road.
    snowfall = np.zeros(model.world.terrain.shape)
    for cell in omar.crest_cells:
        snowfall[cell] = 0.5
    changed = model.passes.update(snowfall, 6.0)
    assert omar in changed and omar.closed
    flat = [(model.foot_graph.flat(a), model.foot_graph.flat(b)) for a, b in omar.legs]
    model.foot_graph.set_leg_flags(flat, on_road=False)
    model.road_bound_graph.set_leg_flags(flat, blocked=True)
    model.snow_depth_m = np.full(model.world.terrain.shape, 0.5)  # deep snow off the roads
    model.replan_routes()
    model.run_for(40)
    guns = model.battalions["guns"]
    assert not set(guns.track) & set(omar.crest_cells)
    assert guns.coordinate != model.world.places["kalbajar"]
    # Troops on foot still cross, but off the road.
    column = model.battalions["column"]
    assert set(column.track) & set(omar.crest_cells) or column.coordinate == \
        model.world.places["kalbajar"]


def test_the_historical_heavy_snowfall_closes_the_murov_roads():
    from .conftest import HISTORICAL

    def omar_roads_closed_after_the_snowfall(switches):
        # to the end of the recorded snowfall of 12-14 Feb 1994
        scenario = load_scenario(HISTORICAL, ["duration_days=62", *switches])
        closed = []
        for seed in SEEDS:
            model = OperationModel(scenario, rng=seed)
            model.run_for(scenario.steps)
            closed.append({r.name for r in model.passes.roads if r.closed and "omar" in r.name})
        return closed

    both = {"toganali-omar_pass", "omar_pass-kalbajar"}
    assert all(closed == both for closed in omar_roads_closed_after_the_snowfall([]))
    # without the recorded snowfall the same days leave the roads open
    assert not any(omar_roads_closed_after_the_snowfall(["weather.forcing_enabled=false"]))

"""The model against invariants and behaviour, on the historical scenario."""

import datetime as dt
import gc
import weakref

import numpy as np
import pytest

from sim.agents import LOSS_CAUSES, Battalion
from sim.model import OperationModel
from sim.output import unit_timeseries
from sim.scenario import load_scenario
from sim.states import UnitState

from .conftest import HISTORICAL, POSTS, ROOT, START


def test_fixed_seed_smoke_run_of_the_full_scenario(replay, scenario):
    assert replay.time == scenario.steps
    assert not replay.running
    assert replay.clock.at(replay.time).date() == dt.date(1994, 3, 7)
    az = replay.side_units("azerbaijan")
    assert any(u.km_marched > 20 for u in az)
    # Battalions sent over the Murov got south of the crest.
    crest_y = replay.world.places["omar_pass"][1]
    assert any(min(y for _, y in u.track) < crest_y - 3 for u in az)


def test_same_seed_gives_identical_results(scenario, replay):
    # A second full run in the same process (sharing the cached world with the first).
    again = OperationModel(scenario, rng=0)
    again.run_for(scenario.steps)
    assert unit_timeseries(again).equals(unit_timeseries(replay))
    assert again.events == replay.events
    other = OperationModel(scenario, rng=7)
    other.run_for(scenario.steps)
    assert other.side_totals("azerbaijan") != replay.side_totals("azerbaijan")


def test_the_weather_of_a_seed_does_not_hang_on_the_fighting():
    """Variants that leave the weather alone share it, seed by seed (common random numbers)."""
    base = load_scenario(HISTORICAL, ["duration_days=40"])
    fiercer = load_scenario(HISTORICAL, ["duration_days=40",
                                         "parameters.combat.attacker_daily_rate=0.08"])
    first, second = OperationModel(base, rng=4), OperationModel(fiercer, rng=4)
    first.run_for(base.steps)
    second.run_for(fiercer.steps)
    assert first.side_totals("azerbaijan") != second.side_totals("azerbaijan")
    assert np.array_equal(first.weather.snow_depth_m, second.weather.snow_depth_m)
    assert first.weather.anomaly_c == second.weather.anomaly_c


def test_personnel_is_conserved_and_strength_never_negative(scenario):
    model = OperationModel(scenario, rng=1)
    for _ in range(scenario.steps):
        model.step()
        for side in scenario.sides:
            totals = model.side_totals(side)
            lost = sum(totals[c] for c in LOSS_CAUSES)
            assert totals["alive"] + lost == totals["initial"] + totals["reinforcements"]
        assert all(u.strength >= 0 for u in model.battalions.values())


def test_reinforcements_arrive_on_their_date_at_their_place(replay, scenario):
    arrivals = [e for e in replay.events if e["event"] == "reinforcement_arrived"]
    assert [e["time"][:10] for e in arrivals] == ["1994-01-10", "1994-02-04", "1994-02-06",
                                                   "1994-02-15"]
    assert replay.reinforced == {"armenia": 2000, "azerbaijan": 2000}
    model = OperationModel(scenario, rng=0)
    model.run_for(int(model.clock.steps_until(dt.date(1994, 2, 4))))
    assert "arm_karabakh_1" not in model.battalions
    holder = model.control.owner["kalbajar"]
    model.step()
    unit = model.battalions["arm_karabakh_1"]
    arrival = next(e for e in model.events if e["event"] == "reinforcement_arrived"
                   and "arm_karabakh_1" in e["unit"])
    assert unit.track[0] == model.world.places[arrival["place"]]
    # At the planned place if the side still holds it, else at a place it holds.
    if holder in (None, "armenia"):
        assert arrival["place"] == "kalbajar"
    else:
        assert model.control.owner[arrival["place"]] == "armenia"


def test_phases_follow_their_triggers(replay):
    orders = {e["cause"]: e["time"] for e in replay.events if e["event"] == "orders_issued"}
    assert orders["cross the Murov"].startswith("1993-12-28")
    assert orders["counter-offensive on the Omar Pass road"].startswith("1994-02-12")
    # "after" phases start only once the earlier phase's objectives are all reached.
    assert orders["cut the Vardenis-Martakert road"] > orders["cross the Murov"]
    assert orders["take Kalbajar"] > orders["cut the Vardenis-Martakert road"]


def test_a_phase_waits_for_its_objectives(marching):
    model = OperationModel(marching, rng=0)
    commander = model.commanders["azerbaijan"]
    model.step()
    assert commander.phase("cross the Murov").issued
    assert not commander.phase_complete(commander.phase("cross the Murov"))
    assert not commander.phase("cut the Vardenis-Martakert road").issued


def test_marching_respects_the_daily_march_and_the_terrain(marching):
    model = OperationModel(marching, rng=0)
    unit = model.battalions["az_701_1"]
    start = unit.coordinate
    model.run_for(4)  # one day
    assert 0 < unit.km_marched <= marching.parameters.movement.march_hours_per_day * 4.0
    assert unit.coordinate != start


def test_night_marching_covers_more_ground():
    day_only = OperationModel(load_scenario(POSTS, ["weather.enabled=false"]), rng=0)
    nights = OperationModel(load_scenario(POSTS, [
        "weather.enabled=false", "parameters.movement.night_marching=true",
        "parameters.movement.march_hours_per_day=16"]), rng=0)
    day_only.run_for(4)
    nights.run_for(4)
    assert nights.battalions["column"].km_marched > day_only.battalions["column"].km_marched


def test_road_bound_units_keep_to_roads_or_gentle_ground(replay):
    terrain, mask = replay.world.terrain, replay.world.road_mask
    limit = replay.spec.parameters.movement.road_bound_max_slope_deg
    for unit in replay.battalions.values():
        if unit.unit_type.road_bound:
            for cell in unit.track:
                assert mask[cell] or terrain.slope_deg[cell] < limit or \
                    cell in replay.world.places.values()


def test_deep_snow_stops_marching():
    no_weather = load_scenario(POSTS, ["weather.enabled=false"])
    model = OperationModel(no_weather, rng=0)
    model.snow_depth_m = np.full(model.world.terrain.shape, 1.5)  # 75 cm on trodden roads
    model.replan_routes()
    free = OperationModel(no_weather, rng=0)
    model.run_for(8)
    free.run_for(8)
    deep = model.battalions["column"].km_marched
    assert deep < 0.2 * free.battalions["column"].km_marched


def test_model_is_collected_after_use(scenario):
    model = OperationModel(scenario, rng=0)
    model.run_for(3)
    ref = weakref.ref(model)
    model.remove_all_agents()
    del model
    gc.collect()
    assert ref() is None


def test_units_report_states_from_the_enum(replay):
    states = {u.state for u in replay.agents_by_type[Battalion]}
    assert states <= set(UnitState)
    frame = replay.datacollector.get_model_vars_dataframe()
    assert len(frame) == replay.spec.steps + 1
    assert (frame["azerbaijan_alive"] >= 0).all()


@pytest.mark.parametrize("cell_size", [2000.0, 750.0])
def test_other_cell_sizes_build_and_run(cell_size):
    s = load_scenario(HISTORICAL, [f"theatre.cell_size_m={cell_size}",
                                   f"sides.azerbaijan.plan.phases.0.start={START}"])
    model = OperationModel(s, rng=0)
    model.run_for(12)
    assert model.world.terrain.cell_size_m == cell_size
    assert model.battalions["az_701_1"].km_marched > 0


def test_a_planned_surprise_is_sprung_at_the_attacks_first_contact():
    theatre = ROOT / "tests" / "data" / "three_sides.toml"
    scenario = load_scenario(theatre, ["sides.north.plan.phases.0.surprise=substantial"])
    model = OperationModel(scenario, rng=0)
    model.step()  # the attack is ordered
    planned = [u for u in model.battalions.values() if u.surprise is not None]
    assert planned and all(u.surprise_until is None for u in planned)
    assert all(u.surprise_level == "substantial" for u in planned)  # armed while closing in
    while not any(u.surprise_until is not None for u in planned) and model.running:
        model.step()
    unit = next(u for u in planned if u.surprise_until is not None)
    sprung = unit.surprise_until - unit.surprise[1]
    assert model.time == sprung  # the step of the first contact has just been fought
    while model.time <= unit.surprise_until:
        assert unit.surprise_level == "substantial"
        model.step()
    assert unit.surprise_level is None


def test_routes_follow_the_front_without_weather_too():
    """Re-planning is on a planning cycle of its own, even when the weather is off: ground the
    enemy took by marching over it is routed through at the march pace, the enemy's outposts
    at the opposed-advance pace, as battalions march."""
    scenario = load_scenario(HISTORICAL, ["weather.enabled=false",
                                          "parameters.movement.route_refresh_days=1"])
    model = OperationModel(scenario, rng=0)
    model.run_for(int(20 * 24 / scenario.step_hours))
    model.replan_routes()  # routes weighted by the front of this moment
    control = model.control
    posts = control.opposed_cells("armenia").ravel()
    enemy_held = ((control.cells != -1) & (control.cells != control.index["armenia"])).ravel()
    legs = model.foot_graph.destinations
    passable = np.isfinite(model.foot_graph.hours)
    into_swept = (enemy_held & ~posts)[legs] & passable
    into_posts = posts[legs] & passable
    assert into_swept.any() and into_posts.any()
    routed = model.graphs[("armenia", "foot")].hours
    np.testing.assert_array_equal(routed[into_swept], model.foot_graph.hours[into_swept])
    assert (routed[into_posts] >= model.advance_hours[into_posts]).all()


def test_a_road_guard_stands_where_the_enemy_comes_nearest_to_its_stretch():
    scenario = load_scenario(ROOT / "scenarios" / "kalbajar_1993_94.toml",
                             ["sides.azerbaijan.plan.phases.1.tasks.az_701_5.secure_to=kalbajar"])
    model = OperationModel(scenario, rng=0)
    guard = model.battalions["az_701_5"]
    task = scenario.sides["azerbaijan"].plan.phases[1].tasks["az_701_5"]
    assert task.objective == "omar_pass" and task.secure_to == "kalbajar"
    stretch = model.road_stretch("omar_pass", "kalbajar")
    own = model.control.index["azerbaijan"]
    model.control.cells[tuple(stretch[: len(stretch) // 2].T)] = own  # the upper half is held
    guard.task = task
    enemies = [u for u in model.battalions.values() if u.side == "armenia"]

    def enemy_at(cell):
        for unit in enemies:  # the whole enemy in one place
            unit.cell = model.grid[(int(cell[0]), int(cell[1]))]

    for target in (stretch[2], stretch[len(stretch) // 2 - 3]):
        enemy_at(target)
        assert model.guard_post(guard) == (int(target[0]), int(target[1]))
    # The enemy at the far end, on ground it holds: the guard stays on the held half.
    enemy_at(stretch[-1])
    post = model.guard_post(guard)
    assert post == tuple(int(v) for v in stretch[len(stretch) // 2 - 1])
    # It follows the threat once it has moved further than the shift distance.
    guard.objective_cell = tuple(int(v) for v in stretch[0])
    guard.follow_the_threat()
    assert guard.objective_cell == post


@pytest.mark.parametrize("behind_screen", [True, False])
def test_a_screened_road_guard_stays_back_unless_told_to_stand_forward(behind_screen):
    scenario = load_scenario(ROOT / "scenarios" / "kalbajar_1993_94.toml", [
        "sides.azerbaijan.plan.phases.1.tasks.az_701_5.secure_to=kalbajar",
        f"parameters.supply.road_guard_behind_screen={str(behind_screen).lower()}"])
    model = OperationModel(scenario, rng=0)
    guard = model.battalions["az_701_5"]
    guard.task = scenario.sides["azerbaijan"].plan.phases[1].tasks["az_701_5"]
    stretch = model.road_stretch("omar_pass", "kalbajar")
    model.control.cells[tuple(stretch.T)] = model.control.index["azerbaijan"]  # all held
    near = stretch[len(stretch) // 2]
    for unit in model.battalions.values():  # the enemy off the middle of the stretch, and
        if unit is not guard:               # the guard's own side in contact with it there
            unit.cell = model.grid[(int(near[0]) + 4, int(near[1]))]
    post = model.guard_post(guard)
    to_enemy = np.hypot(*(stretch - (int(near[0]) + 4, int(near[1]))).T)
    forward = tuple(int(v) for v in stretch[int(np.argmin(to_enemy))])
    assert post == (model.world.places["omar_pass"] if behind_screen else forward)

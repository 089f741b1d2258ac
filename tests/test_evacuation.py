"""Casualty evacuation: back to an aid post while a route is open, else carried, left or dead."""

import pytest

from sim.agents import LOSS_CAUSES
from sim.evacuation import litter_trips_per_step, untreated_death_chance
from sim.model import OperationModel
from sim.parameters import EvacuationParameters
from sim.scenario import load_scenario

from .conftest import POSTS
from .test_supply import CUTTER, QUIET

P = EvacuationParameters()


def test_the_untreated_share_dies_within_the_untreated_time_at_a_constant_hazard():
    assert untreated_death_chance(72.0, 0.3, 72.0) == pytest.approx(0.3)
    six_hours = untreated_death_chance(6.0, 0.3, 72.0)
    assert 1 - (1 - six_hours) ** 12 == pytest.approx(0.3)  # twelve steps make the whole time
    assert untreated_death_chance(0.0, 0.3, 72.0) == 0.0
    assert untreated_death_chance(6.0, 1.0, 72.0) == 1.0


def test_litter_teams_carry_fewer_cases_the_further_the_road():
    # 100 bearers make 16 six-man teams; 4 km at 1.25 km/h there and back is 6.4 h a trip.
    assert litter_trips_per_step(100, 4.0, 1.25, 6.0, P) == pytest.approx(16 * 6.0 / 6.4)
    assert litter_trips_per_step(100, 8.0, 1.25, 6.0, P) == pytest.approx(16 * 6.0 / 12.8)
    assert litter_trips_per_step(5, 4.0, 1.25, 6.0, P) == 0.0  # not one team
    assert litter_trips_per_step(100, 0.0, 1.25, 6.0, P) == float("inf")  # on the road


def wound(unit, men):
    unit.lose("wounded", men)
    unit.lose("cold_injured", men)


def conserved(model):
    for side in model.spec.sides:
        totals = model.side_totals(side)
        lost = sum(totals[c] for c in LOSS_CAUSES)
        assert totals["alive"] + lost == totals["initial"] + totals["reinforcements"]


def test_a_post_on_an_open_road_sends_its_casualties_back():
    model = OperationModel(load_scenario(POSTS, QUIET), rng=0)
    model.run_for(1)
    post = model.battalions["ridge_post"]
    assert post.supply_path and not post.encircled
    wound(post, 40)
    model.step()
    assert post.care.waiting == 0  # on the road: the walking go back, the litters by vehicle
    assert post.dead_unevacuated == 0
    assert post.losses["wounded"] == 40 and post.losses["died_of_wounds"] == 0
    conserved(model)


def test_an_encircled_post_keeps_its_casualties_and_they_die_untreated():
    died = 0
    for seed in range(5):
        # men who do not break, so that the post stays and keeps its casualties
        steady = ["parameters.morale.breakpoint_median=0.95",
                  "parameters.morale.breakpoint_share_below_40=0.01"]
        model = OperationModel(load_scenario(POSTS, QUIET + CUTTER + steady), rng=seed)
        village = model.battalions["village_post"]
        while not village.encircled and model.time < 40:
            model.run_for(1)
        assert village.encircled
        wound(village, 50)
        model.run_for(4)  # a day with no way back
        assert village.encircled and not village.broken
        assert village.care.waiting > 0
        assert village.dead_unevacuated >= village.losses["died_of_wounds"] > 0
        died += village.losses["died_of_wounds"]
        conserved(model)
    # a day at the untreated hazard: 1 - 0.7 ** (24 / 72) of the wounded die
    expected = 5 * 50 * untreated_death_chance(24.0, P.untreated_wounded_death_share,
                                               P.untreated_death_hours)
    assert died == pytest.approx(expected, rel=0.5)


def test_a_column_with_no_route_leaves_the_litter_cases_it_cannot_carry():
    model = OperationModel(load_scenario(POSTS, QUIET + CUTTER), rng=0)
    village = model.battalions["village_post"]
    while not village.encircled and model.time < 40:
        model.run_for(1)
    wound(village, 150)
    litters = int(village.strength * P.bearer_share) // P.bearers_per_litter
    missing_before = village.losses["missing"]
    village.withdraw("toganali")
    for _ in range(12):
        model.step()
        if village.march_hours_step > 0:
            break
    assert village.march_hours_step > 0
    left = [e for e in model.events if e["event"] == "casualties_left"
            and e["unit"] == "village_post"]
    assert left and left[0]["cause"] == "no bearers to carry them"
    assert village.care.litter_cases <= litters + 1
    assert village.losses["missing"] > missing_before
    assert village.care.carrying_litters  # the column goes at a litter team's pace
    conserved(model)


def test_a_column_carrying_litters_marches_at_a_litter_teams_pace():
    model = OperationModel(load_scenario(POSTS, QUIET), rng=0)
    column = model.battalions["column"]
    column.withdraw("kalbajar")
    free = OperationModel(load_scenario(POSTS, QUIET), rng=0)
    free.battalions["column"].withdraw("kalbajar")
    column.carry_litters(True)
    for m in (model, free):
        unit = m.battalions["column"]
        unit.start_step()
        unit.march(6.0)
    slowed, brisk = model.battalions["column"].km_marched, free.battalions["column"].km_marched
    assert 0 < slowed < brisk
    assert slowed == pytest.approx(brisk * P.litter_pace_share, rel=0.35)


def test_cutting_the_road_kills_more_of_the_same_casualties():
    """Cut the pass and the casualties it would have carried back die."""
    dead = {}
    for name, changes in (("open", QUIET), ("cut", QUIET + CUTTER)):
        model = OperationModel(load_scenario(POSTS, changes), rng=0)
        model.run_for(8)
        village = model.battalions["village_post"]
        wound(village, 100)
        model.run_for(8)
        dead[name] = village.losses["died_of_wounds"] + village.losses["cold_dead"]
    assert dead["open"] < dead["cut"]

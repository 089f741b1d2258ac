"""Supply, zones of control and encirclement on a small scenario (cut the pass: supply stops)."""

import numpy as np
import pytest

from sim.model import OperationModel
from sim.morale import rear_place
from sim.scenario import load_scenario

from .conftest import POSTS

# Blue holds the north, red sits nowhere near: every blue post draws supply from Toganali.
QUIET = ["weather.enabled=false", "sides.blue.holds=['toganali']"]


class Post:
    """A stand-in battalion: a side, a cell and an id, all that zones of control read."""

    unique_id = 7

    def __init__(self, side, cell):
        self.side, self.coordinate = side, cell


def test_a_post_on_the_supply_road_is_supplied_and_stays_stocked():
    model = OperationModel(load_scenario(POSTS, QUIET), rng=0)
    model.run_for(8)
    post = model.battalions["ridge_post"]
    assert post.supply_path and post.supplied and not post.encircled


CUTTER = ["places.cutter.name=cut", "places.cutter.lat=40.375", "places.cutter.lon=46.234",
          "places.cutter.kind=position", "places.cutter.source=test",
          "battalions.far_post.start=cutter",
          "sides.red.plan.phases.0.tasks.far_post.objective=cutter",
          # The blue column and guns stay at their base, out of contact.
          "sides.blue.plan.phases.0.tasks.column.objective=toganali",
          "sides.blue.plan.phases.0.tasks.guns.objective=toganali"]


def test_cutting_the_pass_road_stops_supply():
    # two days: the cutter, itself cut off from its own lines, holds on what it carries
    model = OperationModel(load_scenario(POSTS, QUIET + CUTTER), rng=0)
    model.run_for(8)
    village = model.battalions["village_post"]
    assert not village.supply_path
    assert village.supply_days < model.spec.parameters.supply.carried_days
    blocked = model.supply.blockages("blue", model.control, set())
    cut = blocked[("toganali", "omar_pass")]
    assert cut.cause == "zoc" and cut.by_side == "red"
    assert cut.by_unit == model.battalions["far_post"].unique_id
    # Without the cutter the same post is supplied.
    free = OperationModel(load_scenario(POSTS, QUIET), rng=0)
    free.run_for(8)
    assert free.battalions["village_post"].supply_path


def test_a_ring_of_enemy_zones_makes_a_pocket():
    from sim.control import Control

    control = Control((30, 30), ["blue", "red"], {}, {}, zoc_radius_cells=1.5)
    supplied = np.zeros((30, 30), dtype=bool)
    supplied[0, :] = True  # the blue roads along the edge of the map
    assert control.pocket_free("blue", (15, 15), supplied)
    ring = [(15 + dx, 15 + dy) for dx in range(-4, 5) for dy in range(-4, 5)
            if max(abs(dx), abs(dy)) == 4]

    control.update_zones([Post("red", cell) for cell in ring])
    assert not control.pocket_free("blue", (15, 15), supplied)
    assert control.pocket_free("blue", (2, 2), supplied)


def test_a_lone_enemy_in_contact_makes_no_pocket():
    from sim.control import Control

    control = Control((30, 30), ["blue", "red"], {}, {}, zoc_radius_cells=4.0)
    supplied = np.zeros((30, 30), dtype=bool)
    supplied[0, :] = True

    control.update_zones([Post("red", (16, 15))])
    # one cell from the enemy, deep inside its zone, and with no zone of its own (broken)
    assert control.enemy_zoc("blue")[15, 15]
    assert not control.pocket_free("blue", (15, 15), supplied)
    # a battalion that holds together contests the enemy's zone with its own: it can fall back
    control.update_zones([Post("red", (16, 15)), Post("blue", (15, 15))])
    assert control.pocket_free("blue", (15, 15), supplied)


def test_a_snow_closed_pass_carries_no_supply():
    model = OperationModel(load_scenario(POSTS, QUIET), rng=0)
    omar = next(r for r in model.passes.roads if r.edge.v == "omar_pass")
    omar.closed = True
    model.run_for(1)
    blocked = model.supply.blockages("blue", model.control, model.passes.closed_edges())
    assert blocked[("toganali", "omar_pass")].cause == "snow"
    model.run_for(4)
    post = model.battalions["village_post"]
    assert not post.supply_path and post.supplied  # it lives on its stock
    model.run_for(12)
    # cut off by the snow alone, not by the enemy: not encircled
    assert not any(u.ever_encircled for u in model.battalions.values())


def test_posts_cut_off_by_the_enemy_are_encircled_and_break_out_when_supplies_run_out():
    model = OperationModel(load_scenario(POSTS, QUIET + CUTTER), rng=0)
    model.run_for(4)
    village = model.battalions["village_post"]
    assert village.encircled and not village.withdrawing  # it holds on what it carries
    encircled = [e for e in model.events if e["event"] == "encircled"]
    assert any(e["unit"] == "village_post" and "zoc by red far_post" in e["cause"]
               for e in encircled)
    carried = model.spec.parameters.supply.carried_days * 24 / model.spec.step_hours
    model.run_for(int(carried) + 4)
    step_of = {(e["unit"], e["event"]): e["step"] for e in model.events}
    assert village.withdrawing and ("village_post", "breakout") in step_of
    # it broke out once what it carried was spent, not when it was first cut off
    waited = step_of[("village_post", "breakout")] - step_of[("village_post", "encircled")]
    cut_steps = model.spec.parameters.supply.encircled_after_hours / model.spec.step_hours
    assert waited >= carried - cut_steps


def test_zones_of_control_and_place_capture():
    model = OperationModel(load_scenario(POSTS, QUIET), rng=0)
    red = model.battalions["far_post"]
    assert model.control.zoc["red"][red.coordinate]
    assert model.in_enemy_zoc("blue", red.coordinate)
    assert not model.in_enemy_zoc("red", red.coordinate)
    assert model.control.owner["toganali"] == "blue"


def test_only_the_ground_a_side_held_from_the_start_is_watched_by_its_outposts():
    from sim.control import Control

    control = Control((30, 30), ["blue", "red"], {"a": (5, 5), "b": (25, 25)},
                      {"blue": ["a"], "red": ["b"]}, zoc_radius_cells=1.5,
                      territory_radius_cells={"blue": 6.0, "red": 6.0})
    assert control.enemy_outposts("blue", (24, 24))  # red's starting ground: opposed pace
    assert not control.enemy_outposts("red", (24, 24))  # one's own ground never is
    assert not control.enemy_outposts("blue", (15, 15))  # nobody's ground
    control.mark("blue", [(24, 24)])  # a blue battalion passes: red's posts there are gone
    assert not control.enemy_outposts("red", (24, 24))
    control.mark("red", [(24, 24)])  # red takes it back, but has no posts on it now
    assert control.cells[24, 24] == control.index["red"]
    assert not control.enemy_outposts("blue", (24, 24))
    assert control.enemy_outposts("blue", (24, 25))  # the rest of its belt still stands


def test_a_garrison_screens_the_road_behind_it_from_the_enemy_zone():
    from sim.control import Control

    control = Control((30, 30), ["blue", "red"], {}, {}, zoc_radius_cells=4.0)

    road = (np.array([13, 16, 19, 21]), np.array([15, 15, 15, 15]))  # a road running east-west
    control.update_zones([Post("red", (17, 15))])
    assert control.screened_zoc("blue", road).tolist() == [True, True, True, True]
    # a blue garrison west of the enemy: the road behind it is no longer in the enemy's hands,
    # the road in front of it (as near the enemy as the garrison, or nearer) still is
    control.update_zones([Post("red", (17, 15)), Post("blue", (14, 15))])
    assert control.screened_zoc("blue", road).tolist() == [False, True, True, True]
    assert control.enemy_zoc("blue")[13, 15]  # the zone itself still reaches there


def test_porters_cross_ground_both_zones_reach_only_on_their_own_side_of_it():
    from sim.control import Control

    control = Control((30, 30), ["blue", "red"], {}, {}, zoc_radius_cells=4.0)

    control.update_zones([Post("blue", (10, 15)), Post("red", (16, 15))])
    ground = control.open_ground("blue")
    assert ground[12, 15] and ground[8, 15]  # nearer to the blue post: open to its porters
    assert not ground[14, 15] and not ground[18, 15]  # nearer to the red one: held by it
    assert not ground[13, 15]  # as near to both: the enemy holds it, as against convoys
    assert control.open_ground("red")[14, 15] and not control.open_ground("red")[12, 15]


def test_the_porters_walk_matches_a_masked_dilation_and_goes_round_enemy_zones():
    from scipy import ndimage

    from sim.supply import octagonal_dilation

    rng = np.random.default_rng(3)
    roads = np.zeros((40, 50), dtype=bool)
    roads[20, :] = True
    roads[:, 7] = True
    ground = rng.random((40, 50)) > 0.25
    # scipy's masked dilation, alternating the 8- and 4-neighbour steps, is the reference
    expected = roads.copy()
    for step in range(8):
        structure = ndimage.generate_binary_structure(2, 2 if step % 2 == 0 else 1)
        expected = ndimage.binary_dilation(expected, structure, mask=ground) | roads
    np.testing.assert_array_equal(octagonal_dilation(roads, 8, ground), expected)
    # a wall of enemy zone between the road and a post: the porters must walk round its end
    road = np.zeros((30, 30), dtype=bool)
    road[5, :] = True
    wall = np.ones((30, 30), dtype=bool)
    wall[7, :20] = False
    assert octagonal_dilation(road, 8, None)[12, 5]  # 7 km straight across
    assert not octagonal_dilation(road, 8, wall)[12, 5]  # the way round is longer than 8 km
    assert octagonal_dilation(road, 8, wall)[10, 24]  # near the wall's end the walk is short


def test_deep_snow_shortens_the_porters_walk_as_it_slows_men_on_foot():
    from sim.movement import snow_rate_factor
    from sim.parameters import MovementParameters
    from sim.supply import carry_cost, octagonal_dilation

    road = np.zeros((30, 30), dtype=bool)
    road[5, :] = True
    bare = np.ones((30, 30), dtype=np.int16)
    np.testing.assert_array_equal(octagonal_dilation(road, 8, None, bare),
                                  octagonal_dilation(road, 8, None))  # cost 1: the plain walk
    # FM 31-70 (combat_science.md §3.4): 30 cm of snow leaves 0.4 of the bare pace, so a cell
    # costs 1/0.4 = 2.5 -> 2 steps (rounded); at 61 cm and deeper the porters cannot cross
    p = MovementParameters()
    factors = snow_rate_factor(np.array([0.0, 0.30, 0.61, 1.0]), False, p)
    assert carry_cost(factors, 8).tolist() == [1, 2, 9, 9]
    snowy = np.full((30, 30), 2, dtype=np.int16)
    reach = octagonal_dilation(road, 8, None, snowy)
    assert reach[9, 5] and not reach[10, 5]  # 4 cells of 2 steps, not 5
    assert octagonal_dilation(road, 8, None)[13, 5]  # 8 cells on bare ground
    drift = bare.copy()
    drift[7, :] = 9  # one row of snow 61 cm deep along the road: nobody gets past it
    assert not octagonal_dilation(road, 8, None, drift)[8:, :].any()


# A hut 4 km east of the Omar road between the pass and Kalbajar, off every road.
HUT = ["places.hut.name=hut", "places.hut.lat=40.232", "places.hut.lon=46.184",
       "places.hut.kind=position", "places.hut.source=test",
       "battalions.village_post.start=hut",
       "sides.blue.plan.phases.0.tasks.village_post.objective=hut"]


def test_a_post_beyond_deep_snow_loses_its_carry_unless_the_knob_is_off():
    def hut_supplied(snow_m, slowed):
        model = OperationModel(load_scenario(
            POSTS, QUIET[1:] + HUT + [f"parameters.supply.porters_slowed_by_snow={slowed}"]),
            rng=0)
        model.snow_depth_m[:] = snow_m
        model.supply_lines._going_day = None  # the porters' going is re-read from the new snow
        model.supply_lines.trace(announce=False)
        post = model.battalions["village_post"]
        assert model.place_name(post.coordinate) == "hut"
        return post.supply_path

    assert hut_supplied(0.0, "true")  # 4 km of bare ground: within the 8 km carry
    assert not hut_supplied(1.0, "true")  # a metre of snow: porters get almost nowhere
    assert hut_supplied(1.0, "false")  # the what-if knob: snow does not slow them


def test_a_battalion_falling_back_goes_round_an_enemy_on_its_way():
    model = OperationModel(load_scenario(POSTS, QUIET), rng=0)
    unit, enemy = model.battalions["village_post"], model.battalions["far_post"]
    unit.withdraw("toganali")
    _, next_cell = unit.graph.field_to(unit.objective_cell, start=unit.coordinate)
    way = [unit.coordinate]
    for _ in range(3):
        way.append(unit.graph.cell(int(next_cell[unit.graph.flat(way[-1])])))
    enemy.cell = model.grid[way[2]]  # an enemy battalion stands on the way home
    unit.start_step()
    unit.march(12.0)
    assert way[2] not in unit.track and len(unit.track) > 3  # it went round and on
    # an attacking battalion does not go round: it stops in front of the enemy to fight
    attacker = model.battalions["ridge_post"]
    attacker.cell = model.grid[way[0]]
    attacker.objective_cell = way[3]
    attacker.start_step()
    attacker.march(12.0)
    assert attacker.coordinate == way[1]


def trapped_village_post(surrender_per_day, monkeypatch):
    """The village post broken out of its pocket, an enemy on its way and no way round."""
    blocker = ["battalions.blocker.name=Blocker", "battalions.blocker.side=red",
               "battalions.blocker.type=infantry", "battalions.blocker.strength=300",
               "battalions.blocker.start=dadivank",
               "sides.red.plan.phases.0.tasks.blocker.objective=dadivank",
               f"parameters.morale.trapped_surrender_per_day={surrender_per_day}"]
    model = OperationModel(load_scenario(POSTS, QUIET + CUTTER + blocker), rng=0)
    village, enemy = model.battalions["village_post"], model.battalions["blocker"]
    while not village.withdrawing:
        model.run_for(1)
    _, next_cell = village.graph.field_to(village.objective_cell, start=village.coordinate)
    enemy.cell = model.grid[village.graph.cell(int(next_cell[village.graph.flat(
        village.coordinate)]))]
    enemy.objective_cell = enemy.coordinate
    monkeypatch.setattr("sim.agents.escape_route", lambda model, unit: [])
    model.run_for(8)
    return model, village


def test_a_trapped_battalion_surrenders_and_its_men_are_counted_missing(monkeypatch):
    model, village = trapped_village_post(1.0, monkeypatch)
    assert village.supply_days == 0 and village.encircled
    surrendered = {e["unit"]: e["men"] for e in model.events if e["event"] == "surrendered"}
    # (the ridge post, behind the cutter on the pass road, may be cut off and give up too)
    assert "village_post" in surrendered and set(surrendered) <= {"village_post", "ridge_post"}
    for unit_id, men in surrendered.items():
        unit = model.battalions[unit_id]
        assert not unit.in_field and unit.losses["missing"] >= men > 0
    for unit in model.battalions.values():
        assert unit.strength + sum(unit.losses.values()) == unit.joined
    # with no will to give up it holds out where it is
    model, village = trapped_village_post(0.0, monkeypatch)
    assert village.in_field and village.trapped_since is not None
    assert not any(e["event"] == "surrendered" for e in model.events)


def test_a_broken_battalion_falls_back_on_its_line_of_supply_not_into_the_pocket():
    model = OperationModel(load_scenario(POSTS, QUIET + CUTTER[-2:]), rng=0)
    model.run_for(4)  # the posts take Kalbajar and the pass for blue
    stretch = model.road_stretch("omar_pass", "kalbajar")
    enemy = model.battalions["far_post"]
    enemy.cell = model.grid[tuple(stretch[len(stretch) // 2])]  # astride the road
    enemy.objective_cell = enemy.coordinate
    model.run_for(2)  # zones are drawn after the move, supply traced the step after
    assert model.battalions["ridge_post"].supply_path
    assert not model.battalions["village_post"].supply_path
    column = model.battalions["column"]
    column.cell = model.grid[tuple(stretch[3 * len(stretch) // 4])]  # nearer Kalbajar
    terrain, places = model.world.terrain, model.world.places
    assert terrain.distance_km(column.coordinate, places["kalbajar"]) < terrain.distance_km(
        column.coordinate, places["omar_pass"])
    # Both places are blue's and clear of the enemy, but only the pass is on blue's supply.
    assert rear_place(model, column, nearby=True) == "omar_pass"
    carried = model.supply_lines.carried_cells
    carried["blue"] = np.ones_like(carried["blue"])
    assert rear_place(model, column, nearby=True) == "kalbajar"


def test_a_dug_in_post_stocks_its_position_and_moves_on_with_what_it_carries():
    model = OperationModel(load_scenario(POSTS, QUIET), rng=0)
    p = model.spec.parameters.supply
    post = model.battalions["ridge_post"]
    model.run_for(24)  # six days holding the pass on the supply road
    assert post.dug_in and post.supply_path
    assert p.carried_days < post.supply_days <= p.position_stock_days
    post.fall_back("toganali")  # on the move the trains' stock stays behind
    model.run_for(1)
    assert not post.dug_in and post.supply_days <= p.carried_days
    # without position stocks a dug-in post holds only what it carries
    plain = OperationModel(load_scenario(POSTS, QUIET + [
        f"parameters.supply.position_stock_days={p.carried_days}"]), rng=0)
    plain.run_for(24)
    assert plain.battalions["ridge_post"].supply_days <= p.carried_days


def test_an_enemy_astride_a_road_into_its_country_cuts_the_battalions_beyond_it():
    # Red holds Kalbajar: blue's road from the pass runs into red country, and blue's supply
    # goes down it only as far as the first red zone. A blue post halfway down lives on it.
    setup = ["battalions.far_post.start=kalbajar", "sides.red.holds=['kalbajar']",
             "sides.red.outposts_km=15",
             "sides.red.plan.phases.0.tasks.far_post.objective=kalbajar",
             "battalions.village_post.start=omar_pass",
             "sides.blue.plan.phases.0.tasks.village_post.objective=omar_pass",
             "battalions.raider.name=Raider", "battalions.raider.side=red",
             "battalions.raider.type=infantry", "battalions.raider.strength=300",
             "battalions.raider.start=dadivank",
             "sides.red.plan.phases.0.tasks.raider.objective=dadivank"]
    model = OperationModel(load_scenario(POSTS, QUIET + CUTTER[-2:] + setup), rng=0)
    stretch = model.road_stretch("omar_pass", "kalbajar")
    post, raider = model.battalions["village_post"], model.battalions["raider"]
    model.run_for(1)  # the orders are given; then the post is put halfway down and stays
    post.cell = model.grid[tuple(stretch[len(stretch) // 2])]
    post.objective_cell = post.coordinate
    model.run_for(3)
    assert post.supply_path and not post.encircled
    # A red battalion comes onto the road between the pass and the post.
    raider.cell = model.grid[tuple(stretch[len(stretch) // 5])]
    raider.objective_cell = raider.coordinate
    model.run_for(6)
    assert not post.supply_path and post.encircled
    cut = next(e for e in model.events if e["event"] == "encircled"
               and e["unit"] == "village_post")
    assert "omar_pass-kalbajar" in cut["cause"] and "raider" in cut["cause"]
    assert any(e["event"] == "road_cut" and e["place"] == "omar_pass-kalbajar"
               and e["unit"] == "raider" and e["side"] == "blue" for e in model.events)
    assert model.battalions["ridge_post"].supply_path  # the pass itself stays blue's


def test_a_battalion_pulled_back_to_restock_takes_a_new_task_only_once_restocked(scenario):
    """New orders reach a battalion in a supply pause, but it marches only when restocked."""
    from sim.scenario import Task

    model = OperationModel(scenario, rng=0)
    unit = model.battalions["az_701_4"]
    unit.fall_back_for_supply("dashkasan")
    base = model.world.places["dashkasan"]
    assert unit.resupplying and unit.objective_cell == base
    new_task = Task(objective="susuzluq", posture="attack")
    unit.receive_task(new_task)
    assert unit.task is new_task
    assert unit.resupplying and unit.objective_cell == base  # it stays to restock
    unit.end_supply_pause(resume=True)
    assert not unit.resupplying
    assert unit.objective_cell == model.world.places["susuzluq"]


def test_the_ring_holds_an_encircled_battalion_that_breaks_out_by_attacking_it(monkeypatch):
    """Out of its pocket only where the enemy's zone gives way; until then it attacks the ring."""
    model = OperationModel(load_scenario(POSTS, QUIET + CUTTER), rng=0)
    village = model.battalions["village_post"]
    while not village.withdrawing and model.time < 200:
        model.run_for(1)  # until it has spent what it carried and breaks out
    assert village.in_field and village.encircled and village.withdrawing
    assert not village.broken
    here = village.coordinate
    monkeypatch.setattr(model, "in_enemy_zoc", lambda side, cell: tuple(cell) != tuple(here))
    monkeypatch.setattr(model, "ring_bars", lambda side, source, cell: tuple(cell) != tuple(here))
    village.start_step()
    village.march(6.0)
    assert village.coordinate == here and village.trapped_since is not None
    assert village.state.value == "marching" and model.combat.is_attacking(village)


def test_a_column_falling_back_holds_no_ground_until_it_holds_its_exit():
    def zone_at_post(*overrides):
        model = OperationModel(load_scenario(POSTS, QUIET + list(overrides)), rng=0)
        unit = model.battalions["village_post"]
        model.update_control(capture=False)
        deployed = bool(model.control.zoc["blue"][unit.coordinate])
        unit.withdraw("toganali")  # on the march back under a withdrawal order
        model.update_control(capture=False)
        marching = bool(model.control.zoc["blue"][unit.coordinate])
        unit.fall_back(model.place_name(unit.coordinate))  # it stops and holds where it is
        model.update_control(capture=False)
        return deployed, marching, bool(model.control.zoc["blue"][unit.coordinate])

    assert zone_at_post() == (True, False, True)
    assert zone_at_post("parameters.supply.retreat_column_zoc=true") == (True, True, True)


def test_an_encircled_battalion_goes_round_the_ring_not_into_it():
    model = OperationModel(load_scenario(POSTS, QUIET), rng=0)
    unit, enemy = model.battalions["village_post"], model.battalions["far_post"]
    unit.encircle()
    unit.withdraw("toganali")
    _, next_cell = unit.graph.field_to(unit.objective_cell, start=unit.coordinate)
    way = [unit.coordinate]
    for _ in range(12):
        way.append(unit.graph.cell(int(next_cell[unit.graph.flat(way[-1])])))
    enemy.cell = model.grid[way[8]]  # the ring stands astride the way home, off its cell
    enemy.objective_cell = enemy.coordinate
    model.update_control(capture=False)
    zone = model.control.zoc["red"]
    assert zone[way[7]] and not zone[unit.coordinate]  # the straight way runs into the zone
    unit.start_step()
    unit.march(24.0)
    assert not any(zone[cell] for cell in unit.track)  # it never entered the ring's zone
    assert len(unit.track) > 7  # and it went on round it, not halted at the zone's edge


def test_the_encircled_may_step_back_out_of_a_lone_zone_but_not_pass_overlapping_ones():
    from sim.control import Control

    control = Control((30, 30), ["blue", "red"], {}, {}, zoc_radius_cells=4.0)
    control.update_zones([Post("red", (16, 15))])
    here = (15, 15)
    away, aslant, along, closer = (14, 15), (14, 16), (15, 16), (16, 16)
    barred = control.ring_bars("blue", [here] * 4, [away, aslant, along, closer])
    assert list(barred) == [False, False, True, True]
    # going round it is barred even where each step leaves it a little further behind
    assert control.ring_bars("blue", (15, 14), (16, 13)).all()
    closed = Control((30, 30), ["blue", "red"], {}, {}, zoc_radius_cells=4.0,
                     lone_zones_open=False)
    closed.update_zones([Post("red", (16, 15))])
    assert closed.ring_bars("blue", here, away).all()
    assert not control.ring_bars("blue", (5, 5), (5, 6)).any()  # outside every zone
    # a second battalion whose zone overlaps the first closes the ring behind
    control.update_zones([Post("red", (16, 15)), Post("red", (11, 15))])
    assert control.ring_bars("blue", here, away).all()


def test_an_encircled_battalion_falls_back_out_of_a_lone_enemy_zone():
    def trapped_or_out(overrides):
        model = OperationModel(load_scenario(POSTS, QUIET + overrides), rng=0)
        unit, enemy = model.battalions["village_post"], model.battalions["far_post"]
        unit.encircle()
        unit.withdraw("toganali")
        enemy.cell = model.grid[(unit.x + 1, unit.y)]  # next to it, towards its way home
        enemy.objective_cell = enemy.coordinate
        model.update_control(capture=False)
        start = unit.coordinate
        for _ in range(4):  # a step a march inside a zone of control, then on at its pace
            unit.start_step()
            unit.march(6.0)
        zone = model.control.zoc["red"]
        assert all(zone[start[0] + dx, start[1] + dy] for dx in (-1, 0, 1) for dy in (-1, 0, 1))
        return unit, zone

    unit, zone = trapped_or_out([])
    assert not zone[unit.coordinate] and len(unit.track) > 4  # out of the zone, and on its way
    unit, zone = trapped_or_out(["parameters.supply.ring_needs_two_zones=false"])
    assert len(unit.track) == 1 and unit.trapped_since is not None  # every step is barred


@pytest.mark.parametrize("hours", [0.0, 12.0])
def test_a_withdrawal_for_a_supply_crisis_waits_until_it_has_lasted(monkeypatch, hours):
    from sim.agents import Battalion

    rule = f"sides.blue.plan.withdrawal={{to=['toganali'], cut_off_hours={hours}}}"
    model = OperationModel(load_scenario(POSTS, QUIET + [rule]), rng=0)
    model.run_for(2)
    assert not any(e["event"] == "withdrawal_decided" for e in model.events)
    # from now on every blue battalion has run out of supplies
    monkeypatch.setattr(Battalion, "supplied", property(lambda unit: unit.side != "blue"))
    start = model.time
    while not any(e["event"] == "withdrawal_decided" for e in model.events):
        model.run_for(1)
    waited = (model.time - start - 1) * model.spec.step_hours
    assert waited == hours


def pocket_hunter(reach_km, posture="attack"):
    """The village post cut off by a red battalion on the pass road; another waits at Dadivank."""
    hunter = ["battalions.hunter.name=Hunter", "battalions.hunter.side=red",
              "battalions.hunter.type=infantry", "battalions.hunter.strength=400",
              "battalions.hunter.start=dadivank", "sides.red.holds=['dadivank']",
              "sides.red.plan.phases.0.tasks.hunter.objective=dadivank",
              f"sides.red.plan.phases.0.tasks.hunter.posture={posture}",
              f"sides.red.plan.reduce_pockets_km={reach_km}"]
    return OperationModel(load_scenario(POSTS, QUIET + CUTTER + hunter), rng=0)


def test_a_battalion_holding_its_objective_attacks_a_pocket_within_reach_and_then_goes_back():
    from sim.encirclement import reduce_pockets

    for reach, posture, goes in ((30.0, "attack", True), (10.0, "attack", False),
                                 (30.0, "defend", False), (0.0, "attack", False)):
        model = pocket_hunter(reach, posture)
        model.run_for(1)
        model.battalions["village_post"].encircle()
        reduce_pockets(model, "red", reach)
        assert model.battalions["hunter"].reducing is goes, (reach, posture)
    model = pocket_hunter(30.0)
    model.run_for(1)
    hunter, village = model.battalions["hunter"], model.battalions["village_post"]
    home = model.world.places["dadivank"]
    assert 15 < model.world.terrain.distance_km(home, village.coordinate) < 30
    village.encircle()
    reduce_pockets(model, "red", 30.0)
    assert hunter.pocket_target == "village_post" and hunter.objective_cell == village.coordinate
    assert hunter.state.value == "marching" and model.combat.is_attacking(hunter)
    assert [e["cause"] for e in model.events if e["event"] == "attacks_pocket"] == [
        "the pocket of village_post"]
    village.link_up()  # the pocket is gone: back to its task
    reduce_pockets(model, "red", 30.0)
    assert not hunter.reducing and hunter.pocket_target is None
    assert hunter.objective_cell == home
    assert any(e["event"] == "pocket_attack_ended" for e in model.events)


def test_a_spent_or_broken_battalion_is_not_sent_against_a_pocket():
    from sim.encirclement import reduce_pockets

    model = pocket_hunter(30.0)
    model.run_for(1)
    hunter, village = model.battalions["hunter"], model.battalions["village_post"]
    village.encircle()
    hunter.lose("killed", 200)  # half its men: spent
    reduce_pockets(model, "red", 30.0)
    assert hunter.spent and not hunter.reducing


def test_the_side_that_made_a_pocket_sends_a_battalion_against_it():
    """Cut the pass road: the posts beyond are encircled, and the hunter attacks the nearest."""
    for reach, attacked in ((30.0, True), (0.0, False)):
        model = pocket_hunter(reach)
        model.run_for(14)
        ringed = {e["unit"] for e in model.events if e["event"] == "encircled"}
        assert "ridge_post" in ringed
        sent = [e["cause"] for e in model.events if e["event"] == "attacks_pocket"]
        met = {e["cause"] for e in model.events if e["event"] == "contact" and (
            e["unit"] == "hunter" or e["cause"] == "with hunter")}
        assert bool(sent) is attacked and bool(met) is attacked, reach
        if attacked:
            assert sent[0] == "the pocket of ridge_post" and met == {"with ridge_post"}


@pytest.mark.parametrize("hours", [0.0, 12.0])
def test_a_pocket_ends_only_once_the_ring_has_stayed_open(hours, monkeypatch):
    """The ring opens, the road stays cut: the village post is out of its pocket after ``hours``.

    Supply reaching it again ends the pocket at once (the cutter leaves the road).
    """
    from sim.supply import CutOff

    def village_post(extra=()):
        model = OperationModel(load_scenario(POSTS, QUIET + CUTTER + [
            f"parameters.supply.relieved_after_hours={hours}", *extra]), rng=0)
        model.run_for(4)
        village = model.battalions["village_post"]
        assert village.encircled and not village.withdrawing
        return model, village

    model, village = village_post()
    cutter = model.battalions["far_post"]
    cutter.cell = model.grid[model.world.places["dadivank"]]  # far off the road and the post
    cutter.objective_cell = cutter.coordinate
    model.update_control(capture=False)
    model.run_for(1)
    assert village.supply_path and not village.encircled  # supplied again: out at once

    model, village = village_post()
    monkeypatch.setattr(CutOff, "pocketed", lambda self, cell: False)  # the ring opens
    start = model.time
    while village.encircled and model.time < start + 10:
        model.run_for(1)
    assert not village.encircled
    waited = (model.time - start - 1) * model.spec.step_hours  # the step that found it open: 0
    assert waited == hours
    ends = [e for e in model.events if e["unit"] == "village_post" and e["event"] == "broke_out"]
    assert len(ends) == 1 and ends[0]["cause"] == "linked up with own lines"


@pytest.mark.parametrize("posture", ["attack", "defend", "move"])
def test_a_battalion_out_of_supplies_off_its_supply_path_falls_back_whatever_its_task(
        scenario, posture):
    """A post or a battery whose stocks are spent goes back to be fed, as an attack does."""
    from sim.scenario import Task

    model = OperationModel(scenario, rng=0)
    model.run_for(1)
    unit = model.battalions["az_701_5"]
    unit.receive_task(Task(objective="omar_pass", posture=posture))
    carried = model.supply_lines.carried_cells["azerbaijan"]
    unit.supply_days, unit.supply_path = 0.0, True  # on its supply path it waits to be fed
    model.supply_lines.manage_supply_pause(unit, carried)
    assert not unit.resupplying
    unit.supply_path = False
    model.supply_lines.manage_supply_pause(unit, carried)
    assert unit.resupplying and carried[unit.objective_cell]
    assert model.events[-1]["event"] == "falls_back_for_supply"
    unit.supply_days = model.spec.parameters.supply.resume_attack_days
    model.supply_lines.manage_supply_pause(unit, carried)
    assert not unit.resupplying and unit.task.posture == posture
    assert model.events[-1]["event"] == ("attack_resumed" if posture == "attack"
                                         else "task_resumed")


def test_a_battalion_without_a_task_is_not_pulled_back_to_restock(scenario):
    """Only a battalion with a task to take up again has a pause to restock."""
    model = OperationModel(scenario, rng=0)
    model.run_for(1)
    unit = model.battalions["az_701_5"]
    unit.task, unit.supply_days, unit.supply_path = None, 0.0, False
    model.supply_lines.manage_supply_pause(unit, model.supply_lines.carried_cells["azerbaijan"])
    assert not unit.resupplying

import random

import networkx as nx
import numpy as np
import pytest

from sim.scenario import RoadClass


def _route_edges(world, places):
    return [world.roads.edge(u, v) for u, v in zip(places, places[1:])]


def test_named_routes_exist_in_the_network(world):
    roads = world.roads
    assert roads.route("ganja", "istisu") == ["ganja", "goygol", "toganali", "omar_pass",
                                               "kalbajar", "asagi_surtan", "istisu"]
    assert roads.route("vardenis", "martakert") == ["vardenis", "sotk_pass", "kalbajar",
                                                     "dadivank", "sarsang", "martakert"]
    assert nx.has_path(roads.graph, "kalbajar", "lachin")
    assert roads.route("susuzluq", "dashkasan") == ["susuzluq", "agdag_pass", "dashkasan"]


def test_every_edge_has_a_class_length_and_climb(world):
    for edge in world.roads.edges():
        assert edge.road_class in (RoadClass.PAVED, RoadClass.TRACK, RoadClass.PATH)
        assert edge.length_km > 0
        assert edge.climb_m >= 0 and edge.descent_m >= 0


def test_climbs_agree_with_the_dem(world):
    elevation = world.terrain.elevation_m
    for edge in world.roads.edges():
        heights = elevation[tuple(np.asarray(edge.cells).T)]
        steps = np.diff(heights)
        assert edge.climb_m == pytest.approx(steps[steps > 0].sum())
        assert edge.descent_m == pytest.approx(-steps[steps < 0].sum())
        net = elevation[world.places[edge.v]] - elevation[world.places[edge.u]]
        assert edge.climb_m - edge.descent_m == pytest.approx(net)
        assert edge.highest_m == pytest.approx(heights.max())
        assert edge.climb_from(edge.v) == edge.descent_m


def test_edges_are_continuous_chains_of_neighbouring_cells(world):
    for edge in world.roads.edges():
        cells = np.asarray(edge.cells)
        assert tuple(cells[0]) == world.places[edge.u] and tuple(cells[-1]) == world.places[edge.v]
        assert np.abs(np.diff(cells, axis=0)).max() == 1


def test_the_supply_route_climbs_over_the_omar_pass(world):
    climb = world.roads.edge("toganali", "omar_pass")
    # Road agency: the ridge section climbs from 1,700-1,900 m to about 3,250 m (S34, S59).
    assert climb.highest_m >= 2800
    assert climb.climb_m >= 1000
    over = _route_edges(world, ["goygol", "toganali", "omar_pass", "kalbajar"])
    assert max(e.highest_m for e in over) == pytest.approx(world.terrain.elevation_m[
        world.places["omar_pass"]], abs=100)


def test_vardenis_martakert_road_length_agrees_with_the_record(world):
    legs = _route_edges(world, ["vardenis", "sotk_pass", "kalbajar", "dadivank", "sarsang",
                                "martakert"])
    total = sum(e.length_km for e in legs)
    assert total == pytest.approx(116, rel=0.15)  # 116 km (S40)


def test_roads_follow_valleys_not_straight_lines(world):
    elevation = world.terrain.elevation_m
    edge = world.roads.edge("kalbajar", "dadivank")
    a, b = np.asarray(edge.cells[0]), np.asarray(edge.cells[-1])
    t = np.linspace(0, 1, 50)[:, None]
    line = np.rint(a + t * (b - a)).astype(int)
    straight = elevation[line[:, 0], line[:, 1]]
    assert edge.highest_m < straight.max()
    assert edge.climb_m < np.clip(np.diff(straight), 0, None).sum()


def test_network_wraps_as_a_mesa_network_space(world):
    space = world.roads.as_mesa_network(random.Random(0))
    assert len(space.all_cells) == world.roads.graph.number_of_nodes()

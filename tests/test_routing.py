"""Route searches: a search cut off once it reaches the battalion agrees with the full search."""

import numpy as np

from sim.routing import NO_PATH, MarchGraph


def fresh(graph: MarchGraph) -> MarchGraph:
    """The same graph and weights, with no searches cached."""
    clone = graph.view()
    clone.set_hours(graph.hours.copy())
    return clone


def way(graph: MarchGraph, start, target):
    _, next_cell = graph.field_to(target, start=start)
    here, path = graph.flat(start), [graph.flat(start)]
    while here != graph.flat(target):
        here = int(next_cell[here])
        assert here != NO_PATH
        path.append(here)
    return path


def test_a_search_stopped_at_the_battalion_agrees_with_the_full_search(world):
    graph = world.foot_graph
    target, start = (60, 60), (48, 72)
    limited = fresh(graph)
    limited.first_search_hours = 4.0  # 8 h away: the search widens once, to 16 h
    hours, next_cell = limited.field_to(target, start=start)
    full_hours, full_next = fresh(graph).field_to(target)
    assert np.isfinite(hours[graph.flat(start)])
    assert np.isfinite(full_hours).mean() > 2 * np.isfinite(hours).mean()  # it stopped early
    inside = np.isfinite(hours)
    np.testing.assert_array_equal(hours[inside], full_hours[inside])
    np.testing.assert_array_equal(next_cell[inside], full_next[inside])
    assert way(limited, start, target) == way(fresh(graph), start, target)


def test_a_stopped_search_widens_for_a_battalion_further_out(world):
    graph = fresh(world.foot_graph)
    graph.first_search_hours = 4.0
    target, near, far = (60, 60), (62, 62), (5, 125)
    near_hours, _ = graph.field_to(target, start=near)
    assert not np.isfinite(near_hours[graph.flat(far)])
    far_hours, _ = graph.field_to(target, start=far)
    full_hours, _ = fresh(world.foot_graph).field_to(target)
    assert far_hours[graph.flat(far)] == full_hours[graph.flat(far)]


def test_the_nearest_place_is_the_same_with_a_stopped_search(world):
    graph = world.foot_graph
    places = world.places
    for start in [(10, 10), (60, 60), (100, 120)]:
        searcher = fresh(graph)
        searcher.first_search_hours = 1.0
        stopped = searcher.nearest(start, places)
        full_hours = fresh(graph).hours_from(start)
        best = min(places, key=lambda name: full_hours[graph.flat(places[name])])
        assert stopped == best

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


def test_a_way_round_keeps_out_of_the_barred_cells(world):
    graph = fresh(world.foot_graph)
    start, target = (48, 72), (60, 60)
    direct = [graph.cell(i) for i in way(graph, start, target)]
    barred = direct[2:5]
    detour = graph.route_avoiding(start, [target], barred)
    assert detour[-1] == target and not set(detour) & set(barred)
    assert all(max(abs(a[0] - b[0]), abs(a[1] - b[1])) == 1
               for a, b in zip([start] + detour, detour))  # neighbour by neighbour
    # the nearer of two targets is chosen
    assert graph.route_avoiding(start, [target, direct[6]], barred)[-1] == direct[6]
    # boxed in on every side: no way
    ring = [(start[0] + dx, start[1] + dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)
            if (dx, dy) != (0, 0)]
    assert graph.route_avoiding(start, [target], ring) == []
    # the same ring given as a grid of barred cells
    grid = np.zeros(graph.shape, dtype=bool)
    grid[tuple(np.array(ring).T)] = True
    assert graph.route_avoiding(start, [target], [], grid) == []
    grid[:] = False
    grid[tuple(np.array(barred).T)] = True
    assert graph.route_avoiding(start, [target], [], grid) == detour

"""The road network: named places joined by roads and tracks, laid over the DEM.

A scenario names each road as a sequence of places. Between two consecutive places the road
follows the fastest foot route over the terrain (:class:`sim.routing.MarchGraph`), so it runs
up valleys and crosses ridges at their passes. Each edge carries its class, its length, and the
climb and descent the DEM gives along it, with its highest point.

The graph is a networkx ``Graph`` whose nodes are place ids (with the grid cell in ``pos``), so
it can sit beside the grid or be wrapped as a Mesa ``Network`` space
(:meth:`RoadNetwork.as_mesa_network`).
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np

from .routing import MarchGraph
from .scenario import RoadClass, Scenario
from .terrain import Terrain


@dataclass(frozen=True)
class RoadEdge:
    """One edge of the network, as laid over the terrain from ``u`` to ``v``."""

    u: str
    v: str
    road: str
    road_class: RoadClass
    cells: tuple[tuple[int, int], ...]
    length_km: float
    climb_m: float
    descent_m: float
    highest_m: float
    highest_cell: tuple[int, int]

    def climb_from(self, node: str) -> float:
        """Metres climbed travelling the edge starting at ``node``."""
        return self.climb_m if node == self.u else self.descent_m

    def cells_from(self, node: str) -> tuple[tuple[int, int], ...]:
        """The edge's cells in the direction of travel from ``node``."""
        return self.cells if node == self.u else self.cells[::-1]


def profile(cells: list[tuple[int, int]], elevation_m: np.ndarray, cell_size_m: float):
    """Length (km, along the slope), climb and descent (m) of a path of cells."""
    xy = np.asarray(cells, dtype=float)
    heights = elevation_m[tuple(np.asarray(cells).T)]
    horizontal = np.hypot(*np.diff(xy, axis=0).T) * cell_size_m
    rise = np.diff(heights)
    length_km = float(np.hypot(horizontal, rise).sum() / 1000.0)
    return length_km, float(rise[rise > 0].sum()), float(-rise[rise < 0].sum())


class RoadNetwork:
    """Roads and tracks between named places, with their geometry on the grid."""

    def __init__(self, scenario: Scenario, terrain: Terrain, places: dict[str, tuple[int, int]],
                 march_graph: MarchGraph):
        self.graph = nx.Graph()
        for place_id, cell in places.items():
            place = scenario.places[place_id]
            self.graph.add_node(place_id, name=place.name, kind=str(place.kind), pos=cell,
                                lat=place.lat, lon=place.lon)
        for road_id, road in scenario.roads.items():
            for u, v, road_class in road.segments():
                cells = march_graph.route_from(places[u], places[v])
                if len(cells) < 1:
                    cells = [places[u], places[v]]
                length, climb, descent = profile(cells, terrain.elevation_m, terrain.cell_size_m)
                heights = terrain.elevation_m[tuple(np.asarray(cells).T)]
                top = int(np.argmax(heights))
                edge = RoadEdge(u, v, road_id, road_class, tuple(cells), length, climb,
                                descent, float(heights[top]), cells[top])
                self.graph.add_edge(u, v, edge=edge, road=road_id, road_class=str(road_class),
                                    length_km=length, weight=length)
        self.cells = {c for e in self.edges() for c in e.cells}

    def edges(self) -> list[RoadEdge]:
        """All edges."""
        return [data["edge"] for _, _, data in self.graph.edges(data=True)]

    def edge(self, u: str, v: str) -> RoadEdge:
        """The edge between two places."""
        return self.graph.edges[u, v]["edge"]

    def legs(self) -> set[tuple[tuple[int, int], tuple[int, int]]]:
        """Every pair of neighbouring cells joined by a road, in both directions."""
        legs = set()
        for edge in self.edges():
            for a, b in zip(edge.cells, edge.cells[1:]):
                legs.add((a, b))
                legs.add((b, a))
        return legs

    def road_mask(self, shape: tuple[int, int], supply_roads_only: bool = False) -> np.ndarray:
        """Boolean grid of road cells (of roads that carry vehicles and supply, if asked)."""
        mask = np.zeros(shape, dtype=bool)
        for edge in self.edges():
            if supply_roads_only and not edge.road_class.carries_supply:
                continue
            mask[tuple(np.asarray(edge.cells).T)] = True
        return mask

    def route(self, a: str, b: str) -> list[str]:
        """Places along the shortest road route between two places."""
        return nx.shortest_path(self.graph, a, b, weight="weight")

    def as_mesa_network(self, random=None):
        """The network as a Mesa ``Network`` space (nodes laid out at their grid cells)."""
        from mesa.discrete_space import Network

        layout = {n: np.asarray(d["pos"], dtype=float) for n, d in self.graph.nodes(data=True)}
        return Network(self.graph, layout=layout, random=random)

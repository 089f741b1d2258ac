"""Roads over passes that snow closes and that reopen as it is cleared and settles.

A road edge whose highest point is above ``pass_min_height_m`` has a crest section (its cells
within ``crest_drop_m`` of the highest point). Snow falling on the crest (the deepest fall on
any crest cell) builds up on the road; traffic and clearing remove ``road_clearing_m_per_day``.
The road closes when its snow reaches the closing depth of its road class and reopens once it
is back below ``pass_reopen_fraction`` of that depth. A closed crest carries no road traffic:
towed guns and rocket launchers cannot cross it, troops on foot cross it as open, snow-covered
ground, and supply cannot use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .parameters import WeatherParameters
from .roads import RoadEdge, RoadNetwork
from .scenario import RoadClass


@dataclass
class PassRoad:
    """A road edge that snow can close."""

    edge: RoadEdge
    crest_cells: tuple[tuple[int, int], ...]
    close_depth_m: float
    road_snow_m: float = 0.0
    closed: bool = False
    legs: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    @property
    def name(self) -> str:
        """``u-v`` of the edge."""
        return f"{self.edge.u}-{self.edge.v}"


class PassConditions:
    """Open/closed state of every road over a pass."""

    def __init__(self, roads: RoadNetwork, elevation_m: np.ndarray, p: WeatherParameters):
        """A theatre that states no pass height (a scenario without weather) has no such road."""
        self.p = p
        self.roads: list[PassRoad] = []
        for edge in roads.edges() if p.pass_min_height_m is not None else []:
            if edge.highest_m < p.pass_min_height_m:
                continue
            crest = tuple(c for c in edge.cells
                          if elevation_m[c] >= edge.highest_m - p.crest_drop_m)
            legs = []
            for a, b in zip(edge.cells, edge.cells[1:]):
                if a in crest or b in crest:
                    legs += [(a, b), (b, a)]
            close = {RoadClass.PAVED: p.pass_close_snow_paved_m,
                     RoadClass.TRACK: p.pass_close_snow_track_m,
                     RoadClass.PATH: p.pass_close_snow_path_m}[edge.road_class]
            self.roads.append(PassRoad(edge, crest, close, legs=legs))
        cells = [c for road in self.roads for c in road.crest_cells]
        self._crest_flat = np.ravel_multi_index(
            np.asarray(cells, dtype=np.intp).reshape(-1, 2).T, elevation_m.shape)
        self._crest_starts = np.cumsum([0] + [len(r.crest_cells) for r in self.roads[:-1]])

    def update(self, snowfall_m: np.ndarray, hours: float) -> list[PassRoad]:
        """Add the step's snowfall, clear the roads, open or close them; return those changed."""
        changed = []
        if not self.roads:
            return changed
        cleared = self.p.road_clearing_m_per_day * hours / 24.0
        reopen = self.p.pass_reopen_fraction
        falls = np.maximum.reduceat(np.take(snowfall_m, self._crest_flat), self._crest_starts)
        for road, fall in zip(self.roads, falls.tolist()):
            road.road_snow_m = max(0.0, road.road_snow_m + fall - cleared)
            depth = road.road_snow_m
            if not road.closed and depth >= road.close_depth_m:
                road.closed = True
                changed.append(road)
            elif road.closed and depth < reopen * road.close_depth_m:
                road.closed = False
                changed.append(road)
        return changed

    def closed_edges(self) -> set[tuple[str, str]]:
        """(u, v) of every closed road edge."""
        return {(r.edge.u, r.edge.v) for r in self.roads if r.closed}

    def is_closed(self, u: str, v: str) -> bool:
        """Whether the edge between two places is closed by snow."""
        return (u, v) in self.closed_edges() or (v, u) in self.closed_edges()

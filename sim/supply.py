"""Supply traced every step from each side's depots over the road network.

A road edge carries a side's supply unless it is closed by snow (:mod:`sim.passes`), one of its
ends is a place held by an enemy, or one of its cells lies inside an enemy zone of control
(:mod:`sim.control`): convoys are stopped by enemy battalions and posts at the road's places,
not by the country the enemy claims. Supply still runs along a blocked edge from a reached end
up to the first blocked cell (the road behind a battalion advancing on an enemy-held pass).
A battalion is on a supply path when the off-road carry from a road cell so reached from one of
its side's (not enemy-held) depots gets to it: within ``offroad_km``, over ground outside the
enemy's zones of control or contested by its own battalions' zones. On a path its stock is
refilled; off it the stock runs down at one day a day (``combat_science.md`` §3.6: 8-12 kg
per man per day in winter). With an empty stock a battalion is *unsupplied*: no food or fuel
(cold protection falls) and little ammunition; without a supply path its wounded and
frostbitten cannot be evacuated.

A battalion off its supply path that enemy zones of control cut off from its side's supplied
roads (:meth:`sim.control.Control.pocket_free`) for ``encircled_after_hours`` is encircled;
the enemy blockages on its road route home are named as the *cut*.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy import ndimage

SQUARE = ndimage.generate_binary_structure(2, 2)


@dataclass(frozen=True)
class Blockage:
    """Why a road edge carries no supply for a side."""

    edge: tuple[str, str]
    road: str
    cause: str  # "snow", "held", "zoc"
    by_side: str | None = None
    by_unit: int | None = None


class SupplyNetwork:
    """The road graph as seen by each side's supply.

    Args:
        roads: the road network.
        cell_size_m: grid cell size.
        offroad_km: longest carry from a road node to a battalion.
    """

    def __init__(self, roads, cell_size_m: float, offroad_km: float, elevation_m: np.ndarray):
        self.roads = roads
        self.graph = roads.graph
        self.cell_km = cell_size_m / 1000.0
        self.offroad_cells = offroad_km / self.cell_km
        self.edges = {(e.u, e.v): e for e in roads.edges() if e.road_class.carries_supply}
        self._edge_cells = {key: tuple(np.asarray(e.cells).T) for key, e in self.edges.items()}
        self.node_cells = {n: d["pos"] for n, d in self.graph.nodes(data=True)}
        self._node_xy = np.array(list(self.node_cells.values()), dtype=float)
        self._node_names = list(self.node_cells)
        self._heights = elevation_m

    def blockages(self, side: str, control, closed_edges: set[tuple[str, str]]
                  ) -> dict[tuple[str, str], Blockage]:
        """Every edge a side's supply cannot use this step, with the reason."""
        enemy_zoc = control.enemy_zoc(side)
        blocked = {}
        for key, edge in self.edges.items():
            reason = self._enemy_blockage(side, control, key, edge, enemy_zoc)
            if reason is None and key in closed_edges:
                reason = Blockage(key, edge.road, "snow")
            if reason is not None:
                blocked[key] = reason
        return blocked

    def _enemy_blockage(self, side, control, key, edge, enemy_zoc):
        for node in key:
            holder = control.owner.get(node)
            if holder is not None and holder != side:
                return Blockage(key, edge.road, "held", holder)
        cells = self._edge_cells[key]
        in_zoc = enemy_zoc[cells]
        if in_zoc.any():
            by_side, by_unit = self._zoc_owner(control, side, cells, int(np.argmax(in_zoc)))
            return Blockage(key, edge.road, "zoc", by_side, by_unit)
        return None

    @staticmethod
    def _zoc_owner(control, side, cells, index):
        cell = (cells[0][index], cells[1][index])
        for other in control.sides:
            if other != side and control.zoc[other][cell]:
                return other, int(control.zoc_unit[other][cell])
        return None, None

    def reachable(self, side: str, depots: list[str], control,
                  blocked: dict[tuple[str, str], Blockage], lifted=frozenset(),
                  ignore_snow: bool = False) -> tuple[set[str], np.ndarray]:
        """Road nodes and road cells a side's supply reaches from its depots.

        ``lifted`` names edges whose enemy blockages are lifted and ``ignore_snow`` opens the
        roads the snow closes: what the supply would reach without those cuts.
        """
        blocked = {k: b for k, b in blocked.items()
                   if not (b.cause == "snow" and ignore_snow)
                   and not (b.cause != "snow" and k in lifted)}
        usable = nx.Graph()
        usable.add_nodes_from(self.graph.nodes)
        usable.add_edges_from(key for key in self.edges if key not in blocked)
        sources = [d for d in depots if control.owner.get(d) in (None, side)]
        reached: set[str] = set()
        for depot in sources:
            if depot not in reached:
                reached |= nx.node_connected_component(usable, depot)
        cells = np.zeros(control.shape, dtype=bool)
        for depot in sources:
            cells[self.node_cells[depot]] = True
        stop = control.enemy_zoc(side)
        for key, edge in self.edges.items():
            ends = [n for n in key if n in reached]
            if not ends:
                continue
            reason = blocked.get(key)
            if reason is None:
                cells[self._edge_cells[key]] = True
                continue
            for end in ends:
                run = edge.cells_from(end)
                if reason.cause == "snow":
                    top = int(np.argmax([self._heights[c] for c in run]))
                    run = run[:top]
                else:
                    flags = stop[tuple(np.asarray(run).T)]
                    run = run[: int(np.argmax(flags)) if flags.any() else len(run)]
                if run:
                    cells[tuple(np.asarray(run).T)] = True
        return reached, cells

    def supplied_at(self, cell, reached_cells: np.ndarray,
                    open_ground: np.ndarray | None = None) -> bool:
        """Whether the off-road carry gets from a reached road cell to a cell.

        The road cell must lie within ``offroad_km``; with ``open_ground`` (cells outside the
        enemy's zones or contested by the side's own) the porters must also find a way to it
        over open ground near the battalion (its own cell and neighbours count as open).
        """
        x, y = cell
        r = int(self.offroad_cells)
        x0, y0 = max(0, x - r), max(0, y - r)
        window = reached_cells[x0: x + r + 1, y0: y + r + 1]
        if not window.any():
            return False
        wx, wy = np.nonzero(window)
        near = (wx + x0 - x) ** 2 + (wy + y0 - y) ** 2 <= self.offroad_cells ** 2
        if not near.any():
            return False
        if open_ground is None:
            return True
        ground = open_ground[x0: x + r + 1, y0: y + r + 1].copy()
        if ground.all():
            return True
        ground[max(0, x - 1) - x0: x + 2 - x0, max(0, y - 1) - y0: y + 2 - y0] = True
        labels, _ = ndimage.label(ground, structure=SQUARE)
        return bool((labels[wx[near], wy[near]] == labels[x - x0, y - y0]).any())

    def nodes_near(self, cell) -> list[str]:
        """Road nodes within the off-road carry of a cell, nearest first."""
        distance = np.hypot(*(self._node_xy - np.asarray(cell, dtype=float)).T)
        order = np.argsort(distance)
        return [self._node_names[i] for i in order if distance[i] <= self.offroad_cells] or [
            self._node_names[int(order[0])]]

    def cut_on_the_way(self, side: str, depots: list[str], cell,
                       blocked: dict[tuple[str, str], Blockage]) -> list[Blockage]:
        """The enemy blockages on the shortest road route from a depot to a battalion."""
        near = self.nodes_near(cell)
        if not near:
            return []
        open_graph = nx.Graph()
        open_graph.add_nodes_from(self.graph.nodes)
        for key, edge in self.edges.items():
            reason = blocked.get(key)
            if reason is None or reason.cause != "snow":
                open_graph.add_edge(*key, weight=edge.length_km)
        best: list[str] | None = None
        for depot in depots:
            try:
                path = nx.shortest_path(open_graph, depot, near[0], weight="weight")
            except nx.NetworkXNoPath:
                continue
            if best is None or len(path) < len(best):
                best = path
        if best is None:
            return []
        cuts = []
        for u, v in zip(best, best[1:]):
            key = (u, v) if (u, v) in self.edges else (v, u)
            reason = blocked.get(key)
            if reason is not None and reason.cause != "snow":
                cuts.append(reason)
        return cuts

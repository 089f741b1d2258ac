"""Supply traced every step from each side's depots over the road network.

A road edge carries a side's supply unless it is closed by snow (:mod:`sim.passes`), one of its
ends is a place held by an enemy, or one of its cells lies inside an enemy zone of control
(:mod:`sim.control`) and nearer to the enemy than to any of the side's own battalions (a
garrison screens the road behind it): convoys are stopped by enemy battalions and posts at the
road's places, not by the country the enemy claims. Supply still runs along a blocked edge
from a reached end up to the first blocked cell (the road behind a battalion advancing on an
enemy-held pass).
A battalion is on a supply path when the off-road carry from a road cell so reached from one of
its side's (not enemy-held) depots gets to it: a walk of at most ``offroad_km`` over ground
outside the enemy's zones of control, inside them but nearer to its own battalions than to the
enemy's (as for convoys), or where its own battalions stand; snow shortens the walk. On a path
its stock is refilled; off it the stock runs down at one day a day (``combat_science.md`` §3.6:
8-12 kg per man per day in winter). With an empty stock a battalion is *unsupplied*: no food or
fuel (cold protection falls) and little ammunition; without a supply path its wounded and
frostbitten cannot be evacuated.

A battalion off its supply path that enemy zones of control cut off from its side's supplied
roads (:meth:`sim.control.Control.pocket_free`) for ``encircled_after_hours`` is encircled;
the enemy blockages on its road route home are named as the *cut*.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np


def octagonal_dilation(cells: np.ndarray, steps: int, within: np.ndarray | None = None,
                       cost: np.ndarray | None = None) -> np.ndarray:
    """Cells at most ``steps`` cells' walk from the given ones, moving only inside ``within``.

    The steps alternate between the 8- and the 4-neighbour squares: the octagonal distance,
    the usual digital approximation of Euclidean distance (Rosenfeld & Pfaltz 1968,
    "Distance functions on digital pictures"). With ``cost`` (whole steps to cross each cell,
    at least 1) a cell is entered only after the walk has stood next to it that many steps.
    """
    area = cells.copy()
    effort = None if cost is None else np.zeros(cells.shape, dtype=np.int16)
    for step in range(steps):
        grown = area.copy()
        grown[1:] |= area[:-1]
        grown[:-1] |= area[1:]
        sideways = grown.copy() if step % 2 == 0 else area  # square step, or cross step
        grown[:, 1:] |= sideways[:, :-1]
        grown[:, :-1] |= sideways[:, 1:]
        if within is not None:
            grown &= within
        if effort is not None:
            effort += grown  # a step more next to each cell the walk can enter
            grown &= effort >= cost
        area |= grown
    return area


def carry_cost(going: np.ndarray, steps: float) -> np.ndarray:
    """Whole steps to cross each cell on foot at a march-rate factor ``going`` (1 = bare).

    Cells slower than ``1 / steps`` of the bare pace cannot be crossed within the carry.
    """
    limit = int(steps) + 1
    return np.minimum(np.rint(1.0 / np.maximum(going, 1.0 / limit)), limit).astype(np.int16)


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
        self._carried: dict[tuple, np.ndarray] = {}
        road_cells = np.unique(np.concatenate(
            [np.asarray(e.cells) for e in self.edges.values()] or [np.zeros((0, 2), int)]), axis=0)
        self._road_cells = tuple(road_cells.T)
        self._stops: dict[str, np.ndarray] = {}
        self._blocked: dict[str, tuple] = {}  # per side: (the state it was worked out for, edges)
        self._reached: dict[tuple, tuple[set[str], np.ndarray]] = {}
        self._stops_version: dict[str, int] = {}  # the control's zones they were taken from
        self._neighbours: dict[str, list[tuple[str, tuple[str, str]]]] = {
            node: [] for node in self.graph.nodes}
        for u, v in self.edges:
            self._neighbours[u].append((v, (u, v)))
            self._neighbours[v].append((u, (u, v)))
        # Each edge's cells from either end, as index arrays, and as far as its crest.
        self._runs = {(key, end): tuple(np.asarray(edge.cells_from(end)).T)
                      for key, edge in self.edges.items() for end in key}
        self._runs_to_crest = {
            run_key: (run[0][:top], run[1][:top])
            for run_key, run in self._runs.items()
            for top in [int(np.argmax(elevation_m[run]))]}

    def blockages(self, side: str, control, closed_edges: set[tuple[str, str]]
                  ) -> dict[tuple[str, str], Blockage]:
        """Every edge a side's supply cannot use this step, with the reason.

        Worked out again only when the zones, the places' holders or the closed passes change.
        """
        state = (control.version, tuple(control.owner.items()), frozenset(closed_edges))
        kept = self._blocked.get(side)
        if kept is not None and kept[0] == state:
            return dict(kept[1])
        enemy_zoc = self.convoy_stops(side, control)
        blocked = {}
        for key, edge in self.edges.items():
            reason = self._enemy_blockage(side, control, key, edge, enemy_zoc)
            if reason is None and key in closed_edges:
                reason = Blockage(key, edge.road, "snow")
            if reason is not None:
                blocked[key] = reason
        self._blocked[side] = (state, blocked)
        return dict(blocked)

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

    def convoy_stops(self, side: str, control) -> np.ndarray:
        """Road cells where enemy zones stop a side's convoys; False off the roads.

        The zones are screened by the side's own battalions
        (:meth:`sim.control.Control.screened_zoc`).
        """
        if self._stops_version.get(side) != control.version:
            stops = np.zeros(control.shape, dtype=bool)
            stops[self._road_cells] = control.screened_zoc(side, self._road_cells)
            self._stops[side], self._stops_version[side] = stops, control.version
        return self._stops[side]

    @staticmethod
    def _zoc_owner(control, side, cells, index):
        cell = (cells[0][index], cells[1][index])
        for other in control.sides:
            if other != side and control.zoc[other][cell]:
                return other, int(control.zoc_unit[other][cell])
        return None, None

    def reachable(self, side: str, depots: list[str], control,
                  blocked: dict[tuple[str, str], Blockage], lifted=frozenset(),
                  ignore_snow: bool = False, open_runs=frozenset()) -> tuple[set[str], np.ndarray]:
        """Road nodes and road cells a side's supply reaches from its depots.

        ``lifted`` names edges whose enemy blockages are lifted, ``open_runs`` edges whose run
        from a reached end goes the whole way whatever zones lie on it (without reaching the
        far end), and ``ignore_snow`` opens the roads the snow closes: what the supply would
        reach without those cuts. The cells are read-only; the last few answers are kept, as
        the front often stands still.
        """
        blocked = {k: b for k, b in blocked.items()
                   if not (b.cause == "snow" and ignore_snow)
                   and not (b.cause != "snow" and k in lifted)}
        sources = [d for d in depots if control.owner.get(d) in (None, side)]
        key = (side, tuple(sources), frozenset((k, b.cause) for k, b in blocked.items()),
               control.version, frozenset(open_runs))
        kept = self._reached.pop(key, None)
        if kept is None:
            kept = self._trace(side, sources, control, blocked, open_runs)
            if len(self._reached) >= self.KEPT_AREAS:
                del self._reached[next(iter(self._reached))]
        self._reached[key] = kept
        return set(kept[0]), kept[1]

    def _trace(self, side, sources, control, blocked, open_runs=frozenset()):
        """The nodes reached over unblocked edges, and the road cells supply runs along."""
        reached: set[str] = set(sources)
        frontier = list(sources)
        while frontier:
            node = frontier.pop()
            for other, key in self._neighbours[node]:
                if other not in reached and key not in blocked:
                    reached.add(other)
                    frontier.append(other)
        cells = np.zeros(control.shape, dtype=bool)
        for depot in sources:
            cells[self.node_cells[depot]] = True
        stop = self.convoy_stops(side, control)
        for key in self.edges:
            reason = blocked.get(key)
            for end in key:
                if end not in reached:
                    continue
                if reason is None:
                    cells[self._edge_cells[key]] = True
                    break
                if reason.cause == "snow":
                    cells[self._runs_to_crest[key, end]] = True
                    continue
                run = self._runs[key, end]
                flags = stop[run]
                length = int(np.argmax(flags)) if flags.any() and key not in open_runs \
                    else len(flags)
                cells[run[0][:length], run[1][:length]] = True
        cells.flags.writeable = False
        return reached, cells

    def run_cuts(self, side: str, control, blocked: dict[tuple[str, str], Blockage],
                 reached: set[str], supplied_before: np.ndarray, seen_open: set,
                 stranded) -> dict[tuple[str, str], Blockage]:
        """Roads the enemy cuts part of the way along, behind battalions that used them.

        A road into enemy country carries supply from its reached end up to the first enemy
        zone on it. When an enemy battalion's zone stops it short of road cells this side's
        supply had reached before, and a battalion of the side (``stranded``: cells of those
        off their supply path) stands within the carry of the part cut off, the enemy has cut
        the road there: the Armenians took 'the road from the Omar pass to Karvachar' (S6, S7)
        while the pass stayed Azerbaijani. Edges already counted (``seen_open``) are left out.
        """
        stranded = np.asarray(stranded, dtype=float).reshape(-1, 2)
        if not len(stranded):
            return {}
        stop = self.convoy_stops(side, control)
        cuts = {}
        for key, reason in blocked.items():
            if reason.cause != "held" or key in seen_open:
                continue
            for end in key:
                if end not in reached:
                    continue
                run = self._runs[key, end]
                flags = stop[run]
                if not flags.any():
                    continue
                first = int(np.argmax(flags))
                beyond = supplied_before[run[0][first:], run[1][first:]]
                if not beyond.any():
                    continue
                lost = np.stack([run[0][first:][beyond], run[1][first:][beyond]], axis=1)
                gaps = np.hypot(*(stranded[:, None, :] - lost[None, :, :]).transpose(2, 0, 1))
                if (gaps.min(axis=1) <= self.offroad_cells).any():
                    by_side, by_unit = self._zoc_owner(control, side, run, first)
                    cuts[key] = Blockage(key, reason.road, "zoc", by_side, by_unit)
                    break
        return cuts

    def carry_area(self, reached_cells: np.ndarray, open_ground: np.ndarray | None = None,
                   going: np.ndarray | None = None) -> np.ndarray:
        """Cells the off-road carry gets to from the reached road cells (read-only).

        The porters walk no more than ``offroad_km`` of bare ground; with ``open_ground``
        (:meth:`sim.control.Control.open_ground`) only over open ground; with ``going``
        (:func:`carry_cost` of the march-rate factors on a trodden track) snow shortens the
        walk as it slows men on foot (FM 31-70, ``combat_science.md`` §3.4). The front often
        stands still for a step, so the last few areas are kept.
        """
        key = (reached_cells.tobytes(), None if open_ground is None else open_ground.tobytes(),
               None if going is None else going.tobytes())
        area = self._carried.pop(key, None)
        if area is None:
            area = octagonal_dilation(reached_cells, int(self.offroad_cells), open_ground, going)
            area.flags.writeable = False
            if len(self._carried) >= self.KEPT_AREAS:
                del self._carried[next(iter(self._carried))]
        self._carried[key] = area
        return area

    KEPT_AREAS = 8

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


class CutOff:
    """Whether a side's battalions off their supply path are cut off by the enemy, this step.

    A battalion is pocketed when the enemy alone cuts it off, or when enemy zones of control
    ring it (:meth:`sim.control.Control.linked_ground`). The enemy alone cuts it off when,
    with the snow closures lifted, the carry would still not reach it, but would with the
    enemy's cuts lifted as well. A cut is an enemy battalion's zone across a road, an
    enemy-held place on a road this side's supply had used (``seen_open``), or an enemy zone
    part of the way along a road into enemy country behind battalions that used it
    (``run_cuts``); roads running into enemy country are not cuts by themselves. Each area is
    computed once for the side, when first needed.
    """

    def __init__(self, network: SupplyNetwork, control, side: str, depots: list[str],
                 blocked: dict[tuple[str, str], Blockage], reached_cells: np.ndarray,
                 porter_ground: np.ndarray, seen_open: set[tuple[str, str]],
                 going: np.ndarray | None = None, run_cuts=frozenset()):
        self.network, self.control, self.side, self.depots = network, control, side, depots
        self.going = going
        self.blocked, self.reached_cells, self.ground = blocked, reached_cells, porter_ground
        self.cuts = frozenset(k for k, b in blocked.items() if b.cause == "zoc" or (
            b.cause == "held" and k in seen_open))
        self.run_cuts = frozenset(run_cuts)  # roads cut part of the way (SupplyNetwork.run_cuts)
        self._areas: dict[str, np.ndarray] = {}

    def _area(self, name: str) -> np.ndarray:
        if name not in self._areas:
            if name == "linked":
                area = self.control.linked_ground(self.side, self.reached_cells)
            else:
                lift = name == "without_cuts"
                _, reached = self.network.reachable(
                    self.side, self.depots, self.control, self.blocked,
                    lifted=self.cuts if lift else frozenset(), ignore_snow=True,
                    open_runs=self.run_cuts if lift else frozenset())
                area = self.network.carry_area(
                    reached, None if name == "without_cuts" else self.ground, self.going)
            self._areas[name] = area
        return self._areas[name]

    def by_enemy(self, cell) -> bool:
        """Whether the enemy's cuts alone keep the carry from a cell."""
        return bool(self.cuts or self.run_cuts) and not self._area("without_snow")[cell] and bool(
            self._area("without_cuts")[cell])

    def pocketed(self, cell) -> bool:
        """Whether a cell off the supply path is cut off by the enemy or ringed by its zones."""
        return self.by_enemy(cell) or not self.control.pocket_free(
            self.side, cell, self.reached_cells, linked=self._area("linked"))

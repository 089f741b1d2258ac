"""Least-time routes over the grid: a directed graph of 8-neighbour legs solved by Dijkstra.

Each leg between neighbouring cells costs the hours a battalion needs to march it
(:func:`sim.movement.leg_time_h`: FM 21-18 rates, Naismith's ascent time, snow), so uphill and
downhill differ and routes follow valleys and cross ridges at their passes. Legs along a road
use road rates. The shortest-path search is scipy's compiled Dijkstra
(``scipy.sparse.csgraph``); one search from an objective gives every cell's time to it and the
next cell on the way, so a whole side shares one search per objective.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from .movement import ground_rate_factors, leg_time_h
from .parameters import MovementParameters

NEIGHBOUR_OFFSETS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]
STEP_INDEX = {offset: i for i, offset in enumerate(NEIGHBOUR_OFFSETS)}
NO_PATH = -9999  # scipy's predecessor value for "no predecessor"


class MarchGraph:
    """The grid as a directed graph whose weights are march hours.

    Args:
        elevation_m: heights, indexed [x, y].
        passable: cells a unit may enter (False for water), indexed [x, y].
        cell_size_m: side of a cell in metres.
        params: march rates.
        road_legs: pairs of neighbouring cells (as flat indices) joined by a road.
    """

    def __init__(self, elevation_m: np.ndarray, passable: np.ndarray, cell_size_m: float,
                 params: MovementParameters, road_legs: set[tuple[int, int]] | None = None):
        self.shape = elevation_m.shape
        self.size = elevation_m.size
        self.cell_size_m = cell_size_m
        self.params = params
        self.road_legs = set(road_legs or ())
        self._src, self._dst, self._step, self._dist_km, self._climb_m, self._slope = self._legs(
            elevation_m, passable, cell_size_m
        )
        keys = self._src.astype(np.int64) * self.size + self._dst
        self._key_order = np.argsort(keys)
        self._sorted_keys = keys[self._key_order]
        # Leg number by source cell and direction, for looking up one leg at a time.
        self._leg_by_step = np.full((self.size, len(NEIGHBOUR_OFFSETS)), -1, dtype=np.int64)
        self._leg_by_step[self._src, self._step] = np.arange(self._src.size)
        self._on_road = np.zeros(self._src.size, dtype=bool)
        self.blocked = np.zeros(self._src.size, dtype=bool)
        self.set_road_legs(self.road_legs)
        # Fixed sparse structure; re-weighting only refills the data arrays.
        legs = np.arange(1, self._src.size + 1, dtype=float)
        shape = (self.size, self.size)
        self.matrix = csr_matrix((legs, (self._src, self._dst)), shape=shape)
        self._perm = self.matrix.data.astype(np.int64) - 1
        self._reverse = self.matrix.T.tocsr()
        self._reverse_perm = self._reverse.data.astype(np.int64) - 1
        self.version = 0
        self._cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.update(snow_depth_m=None)

    @staticmethod
    def _legs(elevation_m, passable, cell_size_m):
        width, height = elevation_m.shape
        index = np.arange(width * height).reshape(width, height)
        src, dst, step, dist, climb = [], [], [], [], []
        for i, (dx, dy) in enumerate(NEIGHBOUR_OFFSETS):
            xs = slice(max(0, -dx), width - max(0, dx))
            ys = slice(max(0, -dy), height - max(0, dy))
            xd = slice(max(0, dx), width - max(0, -dx))
            yd = slice(max(0, dy), height - max(0, -dy))
            ok = passable[xs, ys] & passable[xd, yd]
            src.append(index[xs, ys][ok])
            dst.append(index[xd, yd][ok])
            step.append(np.full(ok.sum(), i))
            climb.append((elevation_m[xd, yd] - elevation_m[xs, ys])[ok])
            dist.append(np.full(ok.sum(), np.hypot(dx, dy) * cell_size_m / 1000.0))
        src, dst, step = np.concatenate(src), np.concatenate(dst), np.concatenate(step)
        dist, climb = np.concatenate(dist), np.concatenate(climb)
        slope = np.degrees(np.arctan(np.abs(climb) / (dist * 1000.0)))
        return src, dst, step, dist, climb, slope

    def _rebase(self, ids: np.ndarray | None = None) -> None:
        """Hours of every leg (or of legs ``ids``) on bare ground by day, after road flags changed.

        Updated in place, so that views share them.
        """
        legs = slice(None) if ids is None else ids
        # Where each leg reads its ground factor: the off-road layer, or the road layer after it.
        factor_cell = self._dst[legs] + self.size * self._on_road[legs]
        if ids is None:
            self._factor_cell = factor_cell
        else:
            self._factor_cell[legs] = factor_cell
        hours = leg_time_h(self._dist_km[legs], self._climb_m[legs], self._slope[legs],
                           self._on_road[legs], False, 0.0, self.params)
        if getattr(self, "day_hours", None) is None or self.day_hours.shape != self._dist_km.shape:
            self.day_hours = hours
        else:
            self.day_hours[legs] = hours

    def leg_hours(self, snow_depth_m: np.ndarray | None = None,
                  rate_factor: np.ndarray | None = None) -> np.ndarray:
        """March hours of every leg by day under the given snow and weather; inf if blocked.

        Snow and weather are read at the cell each leg enters.
        """
        hours = self.day_hours
        if snow_depth_m is not None or rate_factor is not None:
            off, on = ground_rate_factors(snow_depth_m, rate_factor, self.shape, self.params)
            hours = hours / np.concatenate((np.ravel(off), np.ravel(on)))[self._factor_cell]
        return np.where(self.blocked, np.inf, hours)

    def update(self, snow_depth_m: np.ndarray | None,
               rate_factor: np.ndarray | None = None, hours: np.ndarray | None = None) -> None:
        """Re-weight every leg (after snow, weather or road closures changed); clears routes.

        ``hours`` may pass the weights already computed for a graph with the same legs (a
        restricted copy); this graph's blocked legs are applied on top.
        """
        self.set_hours(self.weights(snow_depth_m, rate_factor, hours))

    def weights(self, snow_depth_m: np.ndarray | None,
                rate_factor: np.ndarray | None = None, hours: np.ndarray | None = None
                ) -> np.ndarray:
        """The leg weights :meth:`update` sets, without setting them."""
        if hours is None:
            hours = self.leg_hours(snow_depth_m, rate_factor)
        else:
            hours = np.where(self.blocked, np.inf, hours)
        if self.off_road_snow_limit_m is not None and snow_depth_m is not None:
            deep = np.ravel(snow_depth_m)[self._dst] > self.off_road_snow_limit_m
            hours[deep & ~self._on_road] = np.inf
        return hours

    def copy(self) -> MarchGraph:
        """A graph sharing the static legs but with its own weights and route cache."""
        clone = object.__new__(MarchGraph)
        clone.__dict__.update(self.__dict__)
        clone._on_road = self._on_road.copy()
        clone._factor_cell = self._factor_cell.copy()
        clone.blocked = self.blocked.copy()
        clone.day_hours = self.day_hours.copy()
        clone.matrix = self.matrix.copy()
        clone._reverse = self._reverse.copy()
        clone._cache = {}
        clone.update(None)
        return clone

    off_road_snow_limit_m: float | None = None

    def view(self) -> MarchGraph:
        """A graph sharing these legs and flags, with its own weights and routes.

        Used for one side's view of the ground.
        """
        clone = object.__new__(MarchGraph)
        clone.__dict__.update(self.__dict__)
        clone.matrix = self.matrix.copy()
        clone._reverse = self._reverse.copy()
        clone.set_hours(self.hours.copy())
        clone._cache = {}
        return clone

    def set_hours(self, hours: np.ndarray | Callable[[], np.ndarray]) -> None:
        """Set the weight of every leg, or a function giving them; clears routes.

        A function is called when the weights are first needed, so a graph nobody routes over
        is never re-weighted. The search matrices are refilled when next searched.
        """
        self._hours, self._pending = (None, hours) if callable(hours) else (hours, None)
        self._weights_stale = True
        self.version += 1
        self._cache.clear()

    _weights_stale = False
    _pending: Callable[[], np.ndarray] | None = None

    @property
    def hours(self) -> np.ndarray:
        """March hours of every leg (inf where blocked)."""
        if self._pending is not None:
            self._hours, self._pending = self._pending(), None
        return self._hours

    def _searchable(self) -> None:
        """Refill the search matrices with the current weights if they changed."""
        if self._weights_stale:
            self.matrix.data = self.hours[self._perm]
            self._reverse.data = self.hours[self._reverse_perm]
            self._weights_stale = False

    @property
    def destinations(self) -> np.ndarray:
        """Flat index of the cell each leg enters."""
        return self._dst

    @property
    def distances_km(self) -> np.ndarray:
        """Horizontal length of each leg."""
        return self._dist_km

    def restricted(self, allowed: np.ndarray, off_road_snow_limit_m: float | None = None
                   ) -> MarchGraph:
        """A copy sharing these legs, with legs into or out of disallowed cells blocked.

        With a snow limit, legs off the road into deeper snow than it are blocked too.
        """
        clone = self.copy()
        ok = np.ravel(allowed)
        clone.blocked |= ~(ok[clone._src] & ok[clone._dst])
        clone.off_road_snow_limit_m = off_road_snow_limit_m
        clone.update(None)
        return clone

    def leg_id(self, a: tuple[int, int], b: tuple[int, int]) -> int:
        """Position of the leg a -> b (-1 if the cells are not neighbours)."""
        step = STEP_INDEX.get((b[0] - a[0], b[1] - a[1]))
        return -1 if step is None else int(self._leg_by_step[self.flat(a), step])

    def leg(self, k: int):
        """Distance (km), climb (m), slope (deg) and road flag of leg number k."""
        return self._dist_km[k], self._climb_m[k], self._slope[k], bool(self._on_road[k])

    def on_road(self, k: int) -> bool:
        """Whether leg number k follows an open road."""
        return bool(self._on_road[k])

    def flat(self, cell: tuple[int, int]) -> int:
        """Flat index of a cell."""
        return int(cell[0]) * self.shape[1] + int(cell[1])

    def cell(self, flat_index: int) -> tuple[int, int]:
        """Cell of a flat index."""
        return divmod(int(flat_index), self.shape[1])

    first_search_hours = 32.0  # searches stop this many march hours out, and widen as needed

    def field_to(self, target: tuple[int, int], start: tuple[int, int] | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
        """Hours from every cell to ``target`` and the next cell on the fastest way there.

        Returns (hours, next_cell), both flat arrays; next_cell is -9999 where no way exists and
        at the target itself. With ``start`` the search may stop once it has reached that cell
        (cells further out read as unreachable): times and ways within it are exact, and every
        cell on the way from ``start`` lies within it.
        """
        key = self.flat(target)
        return self._search(key, None if start is None else [start], lambda limit: dijkstra(
            self._reverse, directed=True, indices=key, return_predecessors=True, limit=limit))

    def hours_from(self, start: tuple[int, int], until: list[tuple[int, int]] | None = None
                   ) -> np.ndarray:
        """Hours from a cell to every cell (one search; for choosing among many targets).

        With ``until`` the search may stop once it has reached one of those cells, so the
        nearest of them is exact and cells further out read as unreachable.
        """
        here = self.flat(start)
        hours, _ = self._search(-1 - here, until, lambda limit: (dijkstra(
            self.matrix, directed=True, indices=here, limit=limit), None))
        return hours

    def _search(self, key: int, needed: list[tuple[int, int]] | None, search):
        """A cached search, widened fourfold until it reaches a needed cell (or everything).

        Dijkstra settles cells in order of time, so a search cut off at a time limit agrees
        with the full search on every cell within the limit.
        """
        flat = [] if needed is None else [self.flat(cell) for cell in needed]
        cached = self._cache.get(key)
        if cached is not None and (cached[2] == np.inf or any(
                np.isfinite(cached[0][f]) for f in flat)):
            return cached[0], cached[1]
        self._searchable()
        limit = np.inf if not flat else (
            self.first_search_hours if cached is None else cached[2] * 4.0)
        while True:
            hours, nxt = search(limit)
            if limit == np.inf or any(np.isfinite(hours[f]) for f in flat):
                break
            limit = limit * 4.0 if limit < 1000.0 else np.inf
        self._cache[key] = (hours, nxt, limit)
        return hours, nxt

    def nearest(self, start: tuple[int, int], candidates: dict[str, tuple[int, int]]
                ) -> str | None:
        """The candidate (name -> cell) reached soonest from a cell; None if none is reachable."""
        if not candidates:
            return None
        hours = self.hours_from(start, until=list(candidates.values()))
        name, cell = min(candidates.items(), key=lambda item: hours[self.flat(item[1])])
        return name if np.isfinite(hours[self.flat(cell)]) else None

    def route_from(self, start: tuple[int, int], target: tuple[int, int]) -> list[tuple[int, int]]:
        """Like :meth:`route` but searched from the start (for one-off routes, not cached)."""
        here, goal = self.flat(start), self.flat(target)
        self._searchable()
        _, pred = dijkstra(self.matrix, directed=True, indices=here, return_predecessors=True,
                           min_only=False)
        if goal != here and pred[goal] == NO_PATH:
            return []
        return [self.cell(here)] + self._walk_back(pred, here, goal)

    def route_avoiding(self, start: tuple[int, int], targets: list[tuple[int, int]],
                       avoid: list[tuple[int, int]], avoid_cells: np.ndarray | None = None,
                       barred_legs=None) -> list[tuple[int, int]]:
        """The fastest way from a cell to the nearest target that keeps out of ``avoid``.

        ``avoid_cells``, a boolean grid, bans more cells at once; with ``barred_legs``, a
        function of the (n, 2) source and target cells of legs into them, only the legs it
        returns true for. The way starts with the cell after ``start`` and ends at the target;
        it is empty when there is none. Searched from the start, not cached.
        """
        here = self.flat(start)
        self._searchable()
        matrix = self.matrix.copy()
        if avoid_cells is not None:
            into = np.asarray(avoid_cells, dtype=bool).ravel()[matrix.indices]
            if barred_legs is not None and into.any():
                legs = np.flatnonzero(into)
                sources = np.searchsorted(matrix.indptr, legs, side="right") - 1
                cells = np.column_stack(np.divmod(sources, self.shape[1]))
                targets_ = np.column_stack(np.divmod(matrix.indices[legs], self.shape[1]))
                into[legs] = barred_legs(cells, targets_)
            matrix.data[into] = np.inf
        banned = np.zeros(self.size, dtype=bool)
        if avoid:
            banned[[self.flat(cell) for cell in avoid]] = True
        banned[here] = False
        matrix.data[banned[matrix.indices]] = np.inf
        hours, pred = dijkstra(matrix, directed=True, indices=here, return_predecessors=True)
        goals = [self.flat(cell) for cell in targets if not banned[self.flat(cell)]]
        goals = [g for g in goals if np.isfinite(hours[g]) and g != here]
        if not goals:
            return []
        return self._walk_back(pred, here, min(goals, key=lambda g: hours[g]))

    def _walk_back(self, pred: np.ndarray, here: int, goal: int) -> list[tuple[int, int]]:
        """The cells after ``here`` up to ``goal``, from Dijkstra's predecessors."""
        path = []
        while goal != here:
            path.append(goal)
            goal = int(pred[goal])
        return [self.cell(i) for i in reversed(path)]

    def leg_ids(self, legs: list[tuple[int, int]]) -> np.ndarray:
        """Positions of (source, target) flat-index pairs among the legs; -1 where none."""
        if not legs:
            return np.zeros(0, dtype=np.int64)
        pairs = np.asarray(legs, dtype=np.int64)
        keys = pairs[:, 0] * self.size + pairs[:, 1]
        pos = np.clip(np.searchsorted(self._sorted_keys, keys), 0, self._sorted_keys.size - 1)
        found = self._sorted_keys[pos] == keys
        return np.where(found, self._key_order[pos], -1)

    def set_road_legs(self, road_legs: set[tuple[int, int]]) -> None:
        """Mark the legs that follow a road (both directions must be given)."""
        self.road_legs = set(road_legs)
        self._on_road[:] = False
        ids = self.leg_ids(sorted(self.road_legs))
        self._on_road[ids[ids >= 0]] = True
        self._rebase()

    def set_leg_flags(self, legs: list[tuple[int, int]], on_road: bool | None = None,
                      blocked: bool | None = None) -> None:
        """Change the road or blocked flag of some legs (flat-index pairs); call update after."""
        ids = self.leg_ids(legs)
        ids = ids[ids >= 0]
        if on_road is not None:
            self._on_road[ids] = on_road
            self._rebase(ids)
        if blocked is not None:
            self.blocked[ids] = blocked

"""Who holds the ground: control of cells and named places, and zones of control.

* A cell is controlled by the side whose battalion last stood on or passed through it. A
  scenario names the places each side holds at the start (``sides.<id>.holds``); the country
  within the side's ``outposts_km`` of them starts under the holder of the nearest one, and is
  watched by its *outposts*: prepared positions, a belt of small posts an attacker must push
  through at the opposed pace (QJM advance rates). Ground a side takes by marching over it has
  no posts; once another side takes a cell, its posts there are gone.
* A named place changes hands when a battalion of another side stands on it with no battalion
  of its holder there (logged as ``node_captured``).
* A battalion in the field and not broken exerts a zone of control: every cell within
  ``zoc_km`` of it. Supply does not pass through an enemy zone of control (:mod:`sim.supply`)
  where the enemy is nearer than the side's own battalions (a zone does not reach past them).
* An encircled battalion cannot pass the ring's zones (:meth:`Control.ring_bars`), but it can
  step back out of the zone of one enemy battalion, away from it: a zone binds a unit to the
  battalion that exerts it, and the ring is closed only where two zones overlap (as a unit
  may leave but not cross a zone in the zone-of-control rules of operational board
  wargames; ``supply.ring_needs_two_zones``).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

NOBODY = -1
AWAY_COS = np.cos(np.pi / 4)  # a step within 45 degrees of straight away from a battalion
SQUARE = ndimage.generate_binary_structure(2, 2)


def disk_offsets(radius_cells: float) -> np.ndarray:
    """(dx, dy) offsets of the cells within a radius, the centre included."""
    r = int(np.floor(radius_cells))
    dx, dy = np.mgrid[-r : r + 1, -r : r + 1]
    inside = dx * dx + dy * dy <= radius_cells * radius_cells + 1e-9
    return np.stack([dx[inside], dy[inside]], axis=1)


class Control:
    """Control of cells and places by side, and each side's zone of control.

    Args:
        shape: grid shape.
        sides: side ids, in a fixed order.
        places: place id -> cell.
        holds: side id -> places held at the start.
        zoc_radius_cells: reach of a zone of control in cells.
        territory_radius_cells: per side, the reach of its outposts around its held places in
            cells (``sides.<id>.outposts_km``); a side not named has none.
        pocket_link_cells: open ground this near a battalion links it to its lines
            (``supply.pocket_link_km``).
        lone_zones_open: whether the encircled may step back out of a lone battalion's zone
            (``supply.ring_needs_two_zones``; :meth:`ring_bars`).
    """

    def __init__(self, shape, sides: list[str], places: dict[str, tuple[int, int]],
                 holds: dict[str, list[str]], zoc_radius_cells: float,
                 territory_radius_cells: dict[str, float] | None = None,
                 pocket_link_cells: int = 2, lone_zones_open: bool = True):
        self.shape = shape
        self.lone_zones_open = lone_zones_open
        self.pocket_link_cells = int(pocket_link_cells)
        self.sides = list(sides)
        self.index = {side: i for i, side in enumerate(self.sides)}
        self.cells = np.full(shape, NOBODY, dtype=np.int8)
        self.places = places
        self.owner: dict[str, str | None] = dict.fromkeys(places)
        self._claim_territory(holds, territory_radius_cells)
        for side, held in holds.items():
            for place in held:
                self.owner[place] = side
                self.cells[places[place]] = self.index[side]
        self.outposts = self.cells != NOBODY
        self._disk = disk_offsets(zoc_radius_cells)
        self.zoc = {side: np.zeros(shape, dtype=bool) for side in self.sides}
        self.zoc_unit = {side: np.full(shape, -1, dtype=np.int32) for side in self.sides}
        self._enemy_zoc = {side: np.zeros(shape, dtype=bool) for side in self.sides}
        self._enemy_zones = {side: np.zeros(shape, dtype=np.int16) for side in self.sides}
        self._enemy_holder = {side: np.zeros(shape + (2,)) for side in self.sides}
        self._zone_disks: tuple | None = None  # the last update's disks, counted when asked
        self._positions = {side: np.zeros((0, 2)) for side in self.sides}
        self._open_ground: dict[str, tuple[int, np.ndarray]] = {}
        self._standing: tuple | None = None
        self.version = 0

    def _claim_territory(self, holds: dict[str, list[str]],
                         radius: dict[str, float] | None) -> None:
        """Give each cell within its side's radius of a held place to the nearest such holder."""
        radius = radius or {}
        held = [(self.places[p], self.index[s], radius.get(s, 0.0))
                for s, ps in holds.items() for p in ps if radius.get(s, 0.0) > 0]
        if not held:
            return
        xs, ys = np.meshgrid(np.arange(self.shape[0]), np.arange(self.shape[1]), indexing="ij")
        best = np.full(self.shape, np.inf)
        for (px, py), side_index, reach in held:
            distance = np.hypot(xs - px, ys - py)
            closer = (distance < best) & (distance <= reach)
            self.cells[closer] = side_index
            best = np.where(closer, distance, best)

    def mark(self, side: str, cells) -> None:
        """A battalion of ``side`` stood on or passed through these cells."""
        if len(cells):
            self._take(tuple(np.asarray(cells).T), self.index[side])

    def _take(self, where, side_index: int) -> None:
        """Cells pass to a side; the posts of the side that held them are gone."""
        kept = self.cells[where] == side_index
        if not kept.all():
            self.outposts[where] &= kept
            self.cells[where] = side_index

    def update_places(self, units) -> list[tuple[str, str | None, str]]:
        """Hand over places taken this step; returns (place, old holder, new holder)."""
        present: dict[tuple[int, int], set[str]] = {}
        for unit in units:
            present.setdefault(unit.coordinate, set()).add(unit.side)
        changes = []
        for place, cell in self.places.items():
            sides_here = present.get(cell)
            if not sides_here:
                continue
            holder = self.owner[place]
            if holder in sides_here:
                continue
            new = sorted(sides_here)[0] if len(sides_here) == 1 else None
            if new is not None:
                self.owner[place] = new
                changes.append((place, holder, new))
        return changes

    def _disks(self, units, disk: np.ndarray):
        """Cells of a disk around each battalion, clipped to the grid, with their owners."""
        if not units:
            return np.zeros((0, 2), dtype=int), np.zeros(0, dtype=int)
        centres = np.array([u.coordinate for u in units])
        cells = (centres[:, None, :] + disk[None, :, :]).reshape(-1, 2)
        owner = np.repeat(np.arange(len(units)), len(disk))
        width, height = self.shape
        ok = (cells[:, 0] >= 0) & (cells[:, 0] < width) & (cells[:, 1] >= 0) & (
            cells[:, 1] < height)
        return cells[ok], owner[ok]

    def update_zones(self, units) -> None:
        """Recompute every side's zone of control from its battalions that can exert one.

        Nothing changes (not even :attr:`version`) when the same battalions stand where they
        stood at the last update.
        """
        standing = tuple((u.unique_id, u.side, u.coordinate) for u in units)
        if standing == self._standing:
            return
        self._standing = standing
        self._positions = {side: np.array([u.coordinate for u in units if u.side == side],
                                          dtype=float).reshape(-1, 2) for side in self.sides}
        self.version += 1
        cells, owner = self._disks(units, self._disk)
        sides = np.array([self.index[u.side] for u in units], dtype=int)
        ids = np.array([u.unique_id for u in units], dtype=np.int32)
        for side in self.sides:
            self.zoc[side][:] = False
            self.zoc_unit[side][:] = -1
            if not len(units):
                continue
            mine = sides[owner] == self.index[side]
            where = tuple(cells[mine].T)
            self.zoc[side][where] = True
            self.zoc_unit[side][where] = ids[owner[mine]]
        self._enemy_zoc = {side: np.logical_or.reduce(
            [self.zoc[s] for s in self.sides if s != side] or [np.zeros(self.shape, bool)])
            for side in self.sides}
        self._zone_disks = (cells, owner, sides, np.array([u.coordinate for u in units]))

    def _count_enemy_zones(self) -> None:
        """Per side, how many enemy zones cover each cell, and where a lone one's battalion is.

        Counted from the last update's disks the first time a step asks (few steps do). The
        holder is read only where one zone covers the cell.
        """
        if self._zone_disks is None:
            return
        cells, owner, sides, centres = self._zone_disks
        self._zone_disks = None
        for side in self.sides:
            count = self._enemy_zones[side]
            count[:] = 0
            if not len(cells):
                continue
            theirs = sides[owner] != self.index[side]
            where = tuple(cells[theirs].T)
            np.add.at(count, where, 1)
            self._enemy_holder[side][where] = centres[owner[theirs]]

    def sweep(self, units, radius_cells: float) -> None:
        """Cells close around a battalion that no other side contests pass to its side."""
        cells, owner = self._disks(units, disk_offsets(radius_cells))
        if not len(cells):
            return
        sides = np.array([self.index[u.side] for u in units], dtype=int)[owner]
        for side in self.sides:
            mine = sides == self.index[side]
            where = tuple(cells[mine].T)
            free = ~self._enemy_zoc[side][where]
            self._take((where[0][free], where[1][free]), self.index[side])

    def linked_ground(self, side: str, supplied_cells: np.ndarray) -> np.ndarray:
        """Cells joined to a side's supplied roads over open ground (outside any pocket).

        Open ground is :meth:`open_ground`: a pocket is closed by enemy battalions' zones where
        they reach past the side's own battalions, so a lone enemy battalion in contact in
        front of them closes none.
        """
        labels, count = ndimage.label(self.open_ground(side), structure=SQUARE)
        linked = np.zeros(count + 1, dtype=bool)
        linked[labels[supplied_cells]] = True
        linked[0] = False
        return linked[labels] | supplied_cells

    def pocket_free(self, side: str, cell, supplied_cells: np.ndarray,
                    linked: np.ndarray | None = None) -> bool:
        """Whether ground open to a side links a cell to its supplied roads (not a pocket).

        The cell and its neighbours count as open, so the ground within ``pocket_link_cells``
        decides.
        ``linked`` may pass :meth:`linked_ground`, computed once for all of a side's battalions.
        """
        if linked is None:
            linked = self.linked_ground(side, supplied_cells)
        x, y = cell
        r = self.pocket_link_cells
        return bool(linked[max(0, x - r): x + r + 1, max(0, y - r): y + r + 1].any())

    def open_ground(self, side: str) -> np.ndarray:
        """Cells a side's porters can cross: outside other sides' zones, or inside its own.

        Where the zones overlap, the cells nearer to its own battalions than to the enemy's are
        open, as for convoys (:meth:`screened_zoc`).
        """
        kept = self._open_ground.get(side)
        if kept is not None and kept[0] == self.version:
            return kept[1]
        open_cells = ~self._enemy_zoc[side] | self.zoc[side]
        contested = np.nonzero(self._enemy_zoc[side] & self.zoc[side])
        if len(contested[0]):
            open_cells[contested] = ~self.screened_zoc(side, contested)
        open_cells.flags.writeable = False
        self._open_ground[side] = (self.version, open_cells)
        return open_cells

    def screened_zoc(self, side: str, cells) -> np.ndarray:
        """Which of some cells an enemy zone holds against a side's convoys.

        A zone does not reach past the side's own battalions: a cell counts only if it lies in
        an enemy zone and no battalion of the side is nearer to it than the nearest enemy one
        (a garrison screens the road behind it).
        """
        held = self._enemy_zoc[side][cells]
        own = self._positions[side]
        if not held.any() or not len(own):
            return held
        enemy = np.concatenate([self._positions[s] for s in self.sides if s != side])
        points = np.stack(cells, axis=1)[held]
        held[held] = nearest_squared(points, enemy) <= nearest_squared(points, own)
        return held

    def ring_bars(self, side: str, sources, targets) -> np.ndarray:
        """Whether the ring's zones bar each step source -> target of an encircled ``side`` unit.

        A target in an enemy zone of control is barred unless it lies in the zone of one enemy
        battalion only and the step leads away from that battalion (within 45 degrees of
        straight away): the encircled may fall back out of a lone battalion's zone, but not
        go round it nor where zones overlap.
        ``sources`` and ``targets`` are (n, 2) arrays of cells (or one cell each). A control
        made without ``lone_zones_open`` bars every enemy zone.
        """
        sources = np.asarray(sources, dtype=float).reshape(-1, 2)
        targets = np.asarray(targets, dtype=int).reshape(-1, 2)
        where = tuple(targets.T)
        barred = self._enemy_zoc[side][where].copy()
        self._count_enemy_zones()
        lone = barred & (self._enemy_zones[side][where] == 1)
        if self.lone_zones_open and lone.any():
            back = sources[lone] - self._enemy_holder[side][where][lone]
            step = targets[lone] - sources[lone]
            distance = np.hypot(*back.T)  # 0 only on the holder's own cell: no way away
            away = (step * back).sum(1) >= AWAY_COS * np.hypot(*step.T) * distance - 1e-9
            barred[np.flatnonzero(lone)[away & (distance > 0)]] = False
        return barred

    def enemy_zoc(self, side: str) -> np.ndarray:
        """Cells in the zone of control of any other side (as of the last zone update)."""
        return self._enemy_zoc[side]

    def enemy_outposts(self, side: str, cell) -> bool:
        """Whether a cell is held by another side and still watched by its outposts."""
        owner = int(self.cells[cell])
        return owner >= 0 and owner != self.index[side] and bool(self.outposts[cell])

    def enemy_outpost_cells(self, side: str) -> np.ndarray:
        """Cells held by any other side and still watched by its outposts."""
        return self.outposts & (self.cells != NOBODY) & (self.cells != self.index[side])

    def opposed(self, side: str, cell) -> bool:
        """Whether the enemy opposes an advance into a cell: its outposts or a battalion's zone."""
        return self.enemy_outposts(side, cell) or bool(self._enemy_zoc[side][cell])

    def opposed_cells(self, side: str) -> np.ndarray:
        """Cells where the enemy opposes a side's advance (as of the last zone update)."""
        return self.enemy_outpost_cells(side) | self._enemy_zoc[side]


def nearest_squared(points, positions) -> np.ndarray:
    """Squared grid distance from each point to its nearest position; inf if none."""
    points = np.asarray(points, dtype=float).reshape(-1, 2)
    positions = np.asarray(positions, dtype=float).reshape(-1, 2)
    if not len(positions):
        return np.full(len(points), np.inf)
    return ((points[:, None, :] - positions[None, :, :]) ** 2).sum(-1).min(axis=1)

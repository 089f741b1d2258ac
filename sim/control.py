"""Who holds the ground: control of cells and named places, and zones of control.

* A cell is controlled by the side whose battalion last stood on or passed through it; a
  scenario names the places each side holds at the start (``sides.<id>.holds``).
* A named place changes hands when a battalion of another side stands on it with no battalion
  of its holder there (logged as ``node_captured``).
* A battalion in the field and not broken exerts a zone of control: every cell within
  ``zoc_km`` of it. Supply does not pass through an enemy zone of control (:mod:`sim.supply`).
"""

from __future__ import annotations

import numpy as np

NOBODY = -1


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
    """

    def __init__(self, shape, sides: list[str], places: dict[str, tuple[int, int]],
                 holds: dict[str, list[str]], zoc_radius_cells: float):
        self.shape = shape
        self.sides = list(sides)
        self.index = {side: i for i, side in enumerate(self.sides)}
        self.cells = np.full(shape, NOBODY, dtype=np.int8)
        self.places = places
        self.owner: dict[str, str | None] = dict.fromkeys(places)
        for side, held in holds.items():
            for place in held:
                self.owner[place] = side
                self.cells[places[place]] = self.index[side]
        self._disk = disk_offsets(zoc_radius_cells)
        self.zoc = {side: np.zeros(shape, dtype=bool) for side in self.sides}
        self.zoc_unit = {side: np.full(shape, -1, dtype=np.int32) for side in self.sides}

    def side_of(self, cell) -> str | None:
        """The side controlling a cell, or None."""
        value = int(self.cells[cell])
        return None if value == NOBODY else self.sides[value]

    def mark(self, side: str, cells) -> None:
        """A battalion of ``side`` stood on or passed through these cells."""
        if len(cells):
            self.cells[tuple(np.asarray(cells).T)] = self.index[side]

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

    def update_zones(self, units) -> None:
        """Recompute every side's zone of control from its battalions that can exert one."""
        for side in self.sides:
            self.zoc[side][:] = False
            self.zoc_unit[side][:] = -1
        width, height = self.shape
        for unit in units:
            cells = self._disk + np.asarray(unit.coordinate)
            ok = (cells[:, 0] >= 0) & (cells[:, 0] < width) & (cells[:, 1] >= 0) & (
                cells[:, 1] < height)
            cells = tuple(cells[ok].T)
            self.zoc[unit.side][cells] = True
            self.zoc_unit[unit.side][cells] = unit.unique_id

    def enemy_zoc(self, side: str) -> np.ndarray:
        """Cells in the zone of control of any other side."""
        zones = [self.zoc[s] for s in self.sides if s != side]
        return np.logical_or.reduce(zones) if zones else np.zeros(self.shape, dtype=bool)

    def enemy_cells(self, side: str) -> np.ndarray:
        """Cells controlled by any other side."""
        return (self.cells != NOBODY) & (self.cells != self.index[side])

    def held_share(self, side: str, mask: np.ndarray) -> float:
        """Share of the cells of a mask that a side controls."""
        return float((self.cells[mask] == self.index[side]).mean()) if mask.any() else 0.0

"""The theatre's terrain on a metric grid: elevation, slope, terrain class, water.

A geographic DEM (:mod:`sim.dem`) is resampled by bilinear interpolation onto a square grid in
a UTM projection (pyproj), with the cell size set by the scenario. Arrays are indexed
``[x, y]``: x runs west to east, y south to north, which is Mesa's property-layer convention.

Terrain classes follow the names of Dupuy's QJM terrain table (``combat_science.md`` §2.2:
flat, rolling, rugged; bare or mixed). The QJM table describes classes in words; the slope and
tree-line thresholds that assign a cell to a class are parameters of
:class:`sim.parameters.TerrainParameters`.

Lakes are found in the source DEM, where GLOBE stores a water surface as a flat area of equal
heights (Lake Sevan is 1,938 cells at 1,875 m; ``shared/data/dem/README.md``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
from pyproj import CRS, Transformer
from scipy import ndimage
from scipy.interpolate import RegularGridInterpolator

from .dem import DEMError, GeographicDEM


class TerrainClass(IntEnum):
    """QJM terrain classes (``combat_science.md`` §2.2), plus water."""

    WATER = 0
    FLAT_BARE = 1
    ROLLING_MIXED = 2
    RUGGED_MIXED = 3
    RUGGED_BARE = 4
    URBAN = 5


@dataclass(frozen=True)
class Extent:
    """A latitude/longitude box in degrees."""

    north: float
    south: float
    west: float
    east: float


def utm_crs_for(lon: float, lat: float) -> CRS:
    """The WGS84 UTM zone that contains a point."""
    zone = int((lon + 180) // 6) + 1
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def slope_degrees(elevation_m: np.ndarray, cell_size_m: float) -> np.ndarray:
    """Steepest slope of each cell, in degrees, from central differences."""
    d_dx, d_dy = np.gradient(elevation_m, cell_size_m)
    return np.degrees(np.arctan(np.hypot(d_dx, d_dy)))


def flat_water_mask(elevation_m: np.ndarray, min_cells: int) -> np.ndarray:
    """Cells of flat, equal-height areas of at least ``min_cells`` cells (lake surfaces)."""
    padded = np.pad(elevation_m, 1, mode="edge")
    flat = np.ones(elevation_m.shape, dtype=bool)
    rows, cols = elevation_m.shape
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            neighbour = padded[1 + dr : 1 + dr + rows, 1 + dc : 1 + dc + cols]
            flat &= neighbour == elevation_m
    # A flat cell's neighbours belong to the lake too (its shore cells).
    flat = ndimage.binary_dilation(flat, structure=np.ones((3, 3), bool)) & (
        ndimage.minimum_filter(elevation_m, size=3) == elevation_m
    )
    labels, count = ndimage.label(flat)
    if count == 0:
        return np.zeros_like(flat)
    sizes = ndimage.sum_labels(flat, labels, index=np.arange(1, count + 1))
    keep = np.zeros(count + 1, dtype=bool)
    keep[1:] = sizes >= min_cells
    return keep[labels]


class Terrain:
    """Elevation, slope and terrain class on a square metric grid.

    Args:
        dem: the geographic elevation grid.
        extent: the box of the theatre; the grid is the largest projected rectangle inside it.
        cell_size_m: side of a grid cell in metres.
        slope_rolling_deg: slope from which a cell counts as rolling.
        slope_rugged_deg: slope from which a cell counts as rugged.
        tree_line_m: height above which rugged ground is bare.
        lake_min_cells: smallest flat area of the source DEM taken as a lake, in DEM cells.
        crs: projected coordinate system; the UTM zone of the extent's centre if None.
    """

    def __init__(
        self,
        dem: GeographicDEM,
        extent: Extent,
        cell_size_m: float,
        slope_rolling_deg: float,
        slope_rugged_deg: float,
        tree_line_m: float,
        lake_min_cells: int,
        crs: str | None = None,
    ):
        north, south, west, east = dem.bounds_nswe
        if not (
            south <= extent.south < extent.north <= north
            and west <= extent.west < extent.east <= east
        ):
            raise DEMError(
                f"extent {extent} is not inside the terrain file's bounds "
                f"N {north} S {south} W {west} E {east}"
            )
        self.dem = dem
        self.extent = extent
        self.cell_size_m = float(cell_size_m)
        centre_lon = (extent.west + extent.east) / 2
        centre_lat = (extent.north + extent.south) / 2
        self.crs = CRS.from_user_input(crs) if crs else utm_crs_for(centre_lon, centre_lat)
        self._to_xy = Transformer.from_crs("EPSG:4326", self.crs, always_xy=True)
        self._to_lonlat = Transformer.from_crs(self.crs, "EPSG:4326", always_xy=True)

        corners_lon = np.array([extent.west, extent.east, extent.west, extent.east])
        corners_lat = np.array([extent.south, extent.south, extent.north, extent.north])
        cx, cy = self._to_xy.transform(corners_lon, corners_lat)
        x0, x1 = max(cx[0], cx[2]), min(cx[1], cx[3])
        y0, y1 = max(cy[0], cy[1]), min(cy[2], cy[3])
        self.width = int((x1 - x0) // self.cell_size_m)
        self.height = int((y1 - y0) // self.cell_size_m)
        if self.width < 3 or self.height < 3:
            raise DEMError(f"extent {extent} holds fewer than 3x3 cells of {cell_size_m} m")
        self.origin_xy = (float(x0), float(y0))

        xs = x0 + (np.arange(self.width) + 0.5) * self.cell_size_m
        ys = y0 + (np.arange(self.height) + 0.5) * self.cell_size_m
        grid_x, grid_y = np.meshgrid(xs, ys, indexing="ij")
        self.lon, self.lat = self._to_lonlat.transform(grid_x, grid_y)

        lat_c, lon_c = dem.lat_centers[::-1], dem.lon_centers
        heights = dem.elevation_m[::-1, :]
        points = (np.clip(self.lat, lat_c[0], lat_c[-1]), np.clip(self.lon, lon_c[0], lon_c[-1]))
        self.elevation_m = RegularGridInterpolator((lat_c, lon_c), heights)(points)
        water_src = flat_water_mask(dem.elevation_m, lake_min_cells)[::-1, :]
        self.water = (
            RegularGridInterpolator((lat_c, lon_c), water_src.astype(float), method="nearest")(
                points
            )
            > 0.5
        )
        self.slope_deg = slope_degrees(self.elevation_m, self.cell_size_m)
        self.terrain_class = self._classify(slope_rolling_deg, slope_rugged_deg, tree_line_m)
        self.urban_cells: set[tuple[int, int]] = set()

    def _classify(self, rolling_deg: float, rugged_deg: float, tree_line_m: float) -> np.ndarray:
        classes = np.full(self.elevation_m.shape, TerrainClass.FLAT_BARE, dtype=np.int8)
        classes[self.slope_deg >= rolling_deg] = TerrainClass.ROLLING_MIXED
        rugged = self.slope_deg >= rugged_deg
        classes[rugged] = TerrainClass.RUGGED_MIXED
        classes[rugged & (self.elevation_m >= tree_line_m)] = TerrainClass.RUGGED_BARE
        classes[self.water] = TerrainClass.WATER
        return classes

    def mark_urban(self, cells: list[tuple[int, int]]) -> None:
        """Set settlement cells to the urban class (villages and towns shelter troops)."""
        for x, y in cells:
            if self.terrain_class[x, y] != TerrainClass.WATER:
                self.terrain_class[x, y] = TerrainClass.URBAN
                self.urban_cells.add((int(x), int(y)))

    @property
    def shape(self) -> tuple[int, int]:
        """Grid size as (width, height)."""
        return self.width, self.height

    def contains_lonlat(self, lat: float, lon: float) -> bool:
        """Whether a point falls on the grid."""
        x, y = self._cell_float(lat, lon)
        return 0 <= x < self.width and 0 <= y < self.height

    def _cell_float(self, lat: float, lon: float) -> tuple[float, float]:
        px, py = self._to_xy.transform(lon, lat)
        x0, y0 = self.origin_xy
        return (px - x0) / self.cell_size_m, (py - y0) / self.cell_size_m

    def cell_of(self, lat: float, lon: float) -> tuple[int, int]:
        """The grid cell that contains a point; raises DEMError if it is off the grid."""
        x, y = self._cell_float(lat, lon)
        if not (0 <= x < self.width and 0 <= y < self.height):
            raise DEMError(f"point {lat:.5f}N {lon:.5f}E lies outside the grid")
        return int(x), int(y)

    def distance_km(self, a: tuple[int, int], b: tuple[int, int]) -> float:
        """Straight-line ground distance between two cell centres, in km."""
        return float(np.hypot(a[0] - b[0], a[1] - b[1]) * self.cell_size_m / 1000.0)

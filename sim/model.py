"""The operation: battalions of two sides on the real terrain of the theatre.

``OperationModel.step`` is one step of the operation (6 hours by default), in this order:

1. weather: the weather layers advance (:mod:`sim.weather`), snow closes or reopens the roads
   over passes (:mod:`sim.passes`); routes are re-planned when a road closed or opened, and
   every few days under the current front and snow (:mod:`sim.routing`),
2. supply: each side's supply is traced from its depots over the roads (:mod:`sim.supply`);
   battalions the enemy cuts off from it become encircled, hold on what they carry and then
   try to break out,
3. orders: each side's commander issues the phases whose trigger has come, sends battalions
   against enemy pockets near their objectives (:mod:`sim.encirclement`), and orders a
   withdrawal when its conditions are met (:mod:`sim.plans`),
4. movement: battalions march towards their objectives in the step's daylight hours, stopping
   on entering an enemy zone of control (:mod:`sim.control`),
5. combat between battalions in contact, and bombardment (:mod:`sim.combat`),
6. winter attrition: cold injury (:mod:`sim.cold`), hypothermia (:mod:`sim.hypothermia`) and
   avalanches (:mod:`sim.avalanche`),
7. casualty care: the wounded and cold-injured go back to an aid post, wait, die, are carried
   or are left behind (:mod:`sim.evacuation`),
8. morale: battalions break or rally (:mod:`sim.morale`),
9. control of ground and places, zones of control,
10. data collection.

Reinforcements enter through Mesa's event scheduler on their scenario dates. The model never
imports plotting code; :mod:`sim.output` and :mod:`sim.mapping` read it from outside.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import partial
from typing import Any

import mesa
import numpy as np
from mesa.discrete_space import OrthogonalMooreGrid, PropertyLayer

from .agents import DEATH_CAUSES, LOSS_CAUSES, Battalion, Depot
from .avalanche import avalanche_terrain_share
from .clock import Clock
from .combat import CombatResolver
from .control import Control, nearest_squared
from .evacuation import Evacuation
from .morale import check_morale
from .movement import cell_rate_factors, ground_rate_factors
from .passes import PassConditions
from .plans import Commander
from .resupply import SupplyLines
from .routing import MarchGraph
from .scenario import Scenario, Task
from .states import UnitState
from .supply import SupplyNetwork
from .terrain import TerrainClass
from .weapons import Armament, armament
from .weather import Weather
from .winter import apply_winter_attrition
from .world import build_world


class OperationModel(mesa.Model):
    """A replay of a scenario.

    Args:
        scenario: the validated scenario (:func:`sim.scenario.load_scenario`).
        rng: seed (int) or numpy generator for every random draw of the run.
    """

    def __init__(self, scenario: Scenario, rng: Any = None):
        super().__init__(rng=rng)
        self.seed = rng if isinstance(rng, int) else None
        # The validated scenario (Mesa's own ``Model.scenario`` is a different object).
        self.spec = scenario
        self.world = build_world(scenario)
        terrain = self.world.terrain
        self.foot_graph = self.world.foot_graph.copy()
        self.road_bound_graph = self.world.road_bound_graph.copy()
        self.grid = OrthogonalMooreGrid(terrain.shape, torus=False, random=self.random)
        for name in ("elevation_m", "slope_deg", "terrain_class"):
            self.grid.add_property_layer(PropertyLayer.from_data(name, getattr(terrain, name)))
        centre_lat = float(terrain.lat[terrain.width // 2, terrain.height // 2])
        self.clock = Clock(scenario.start_date, scenario.step_hours, centre_lat)
        self.events: list[dict[str, Any]] = []
        self.battalions: dict[str, Battalion] = {}
        self.weather: Weather | None = None
        self.snow_depth_m: np.ndarray | None = None
        self.rate_factor: np.ndarray | None = None
        self.passes = PassConditions(self.world.roads, terrain.elevation_m,
                                     scenario.parameters.weather)
        self._routes_planned_at = 0.0
        if scenario.weather.enabled:
            settings = scenario.weather
            # The weather draws from a stream of its own, spawned from the run's seed: the same
            # seed gives the same weather in every variant that leaves the weather alone.
            self.weather = Weather(terrain.elevation_m, terrain.cell_size_m,
                                   scenario.parameters.weather, self.rng.spawn(1)[0],
                                   settings.temperature_offset_c, settings.snowfall_multiplier,
                                   settings.active_forcing())
            self.weather.spin_up(self.clock.at(0), scenario.parameters.weather.spinup_days)
            self._weather_hours = 0.0
            self.avalanche_terrain = avalanche_terrain_share(terrain.slope_deg,
                                                             scenario.parameters.avalanche)
            self._apply_weather()
        self.pending_tasks: dict[str, Task] = {}
        self._stretches: dict[tuple[str, str], np.ndarray] = {}
        self.marched_today_h: dict[str, float] = {}
        self.initial = dict.fromkeys(scenario.sides, 0)
        self.reinforced = dict.fromkeys(scenario.sides, 0)
        p = scenario.parameters
        km_cells = 1000.0 / terrain.cell_size_m
        self.control = Control(terrain.shape, list(scenario.sides), self.world.places,
                               {sid: side.holds for sid, side in scenario.sides.items()},
                               p.supply.zoc_km * km_cells,
                               {sid: side.outposts_km * km_cells
                                for sid, side in scenario.sides.items()},
                               max(1, round(p.supply.pocket_link_km * km_cells)),
                               p.supply.ring_needs_two_zones)
        self.graphs = {(sid, kind): base.view() for sid in scenario.sides
                       for kind, base in (("foot", self.foot_graph),
                                          ("road_bound", self.road_bound_graph))}
        self.advance_hours = self._advance_hours()
        self.replan_routes()
        self.supply = SupplyNetwork(self.world.roads, terrain.cell_size_m, p.supply.offroad_km,
                                    terrain.elevation_m)
        self.supply_lines = SupplyLines(self)
        self.combat = CombatResolver(self)
        self.evacuation = Evacuation(self)
        self.depots = {sid: scenario.active_depots(sid) for sid in scenario.sides}
        self._place_at = {cell: place for place, cell in self.world.places.items()}

        for battalion_id in scenario.starting_battalions():
            self.deploy_battalion(battalion_id,
                                  self.world.places[scenario.battalions[battalion_id].start])
        for depot_id, spec in scenario.depots.items():
            if spec.enabled:
                Depot(self, depot_id, spec.side, spec.place,
                      self.grid[self.world.places[spec.place]])
        self.commanders = {side_id: Commander(self, side_id, side)
                           for side_id, side in scenario.sides.items()}
        self.update_control(capture=False)
        self.supply_lines.trace(announce=False)

        self.datacollector = mesa.DataCollector(
            model_reporters=self._model_reporters(),
            agenttype_reporters={Battalion: {
                **{name: name for name in (
                    "battalion_id", "side", "x", "y", "strength", "status", "km_marched",
                    "temperature_c", "wind_ms", "snow_depth_m", "in_care", "heat_debt_j_m2",
                    "encircled", "withdrawing", "march_hours_step", "hours_in_wind_step",
                    "hours_unheated_step")},
                **{cause: (lambda unit, cause=cause: unit.losses[cause])
                   for cause in ("killed", "died_of_wounds", "missing", "cold_injured",
                                 "cold_dead", "hypothermia_dead", "avalanche_dead")},
            }},
        )
        self.collect()

    # ------------------------------------------------------------------ time

    @property
    def now(self) -> dt.datetime:
        """Start of the step being simulated (in an event between steps: of the next step)."""
        return self.clock.at(max(math.ceil(self.time) - 1, 0))

    # ------------------------------------------------------------------ the step

    def step(self) -> None:
        """One step of the operation; see the module docstring for the order."""
        steps_done = self.time - 1
        self.update_weather(steps_done)
        self.plan_routes_when_due()
        self.supply_lines.trace()
        for commander in self.commanders.values():
            commander.issue_orders()
        self.move_battalions(steps_done)
        contacts = self.combat.fight()
        apply_winter_attrition(self)
        self.evacuation.tend()
        check_morale(self, contacts)
        self.update_control()
        self.collect()
        if self.time >= self.spec.steps:
            self.running = False

    def _advance_hours(self) -> np.ndarray:
        """Hours per leg at the QJM opposed-advance pace, by the terrain of the cell entered."""
        p = self.spec.parameters
        terrain = self.world.terrain
        mobility = np.zeros(len(TerrainClass))
        for terrain_class in TerrainClass:
            mobility[terrain_class] = p.combat.terrain_mobility[terrain_class.name]
        km_per_h = (p.combat.advance_km_per_day / p.movement.march_hours_per_day
                    * mobility[terrain.terrain_class.ravel()])
        graph = self.foot_graph
        with np.errstate(divide="ignore"):
            return graph.distances_km / km_per_h[graph.destinations]

    def replan_routes(self) -> None:
        """Re-weight the march graphs under the current snow, weather, closures and control.

        Each side routes through the enemy's outposts at no more than the QJM opposed-advance
        pace, as it marches (:meth:`enemy_ground`), so routes prefer other ground. A graph is
        re-weighted when it is first routed over, from the state of this moment.
        """
        foot, road_bound = self.foot_graph, self.road_bound_graph
        snow = None if self.snow_depth_m is None else self.snow_depth_m.copy()
        rate = None if self.rate_factor is None else self.rate_factor.copy()
        foot.set_hours(partial(foot.weights, snow, rate))
        road_bound.set_hours(lambda: road_bound.weights(snow, hours=foot.hours))
        for side in self.spec.sides:
            enemy = self.control.opposed_cells(side)
            for kind, base in (("foot", foot), ("road_bound", road_bound)):
                self.graphs[(side, kind)].set_hours(partial(self._opposed_hours, base, enemy))
        self._routes_planned_at = self.time
        self._roads_changed = False

    def _opposed_hours(self, base: MarchGraph, enemy_cells: np.ndarray) -> np.ndarray:
        """A side's leg hours: into the enemy's outposts no faster than the QJM opposed advance."""
        enemy = enemy_cells.ravel()[self.foot_graph.destinations]
        return np.where(enemy, np.maximum(base.hours, self.advance_hours), base.hours)

    def collect(self) -> None:
        """Record the step: side totals are counted once, then every reporter reads them."""
        self.collected_totals = {side: self.side_totals(side) for side in self.spec.sides}
        self.datacollector.collect(self)

    def update_weather(self, steps_done: float) -> None:
        """Advance the weather and open or close the roads over passes."""
        if self.weather is None:
            return
        self.weather.advance(self.clock.at(steps_done), self.spec.step_hours)
        self._weather_hours = self.spec.step_hours
        self._apply_weather()

    def ground_factors(self, oversnow_gear: bool = False, cell: tuple[int, int] | None = None):
        """Per-cell march-rate multipliers (off road, on road) under the current weather.

        Snow, storm and fog lower them; they are 1 everywhere without weather. With ``cell``,
        the two multipliers of that cell alone.
        """
        if cell is not None:
            return cell_rate_factors(
                None if self.snow_depth_m is None else self.snow_depth_m.item(cell),
                None if self.rate_factor is None else self.rate_factor.item(cell),
                self.spec.parameters.movement, oversnow_gear)
        if self._ground_key != self.time:
            self._ground = {}
            self._ground_key = self.time
        factors = self._ground.get(oversnow_gear)
        if factors is None:
            factors = self._ground[oversnow_gear] = ground_rate_factors(
                self.snow_depth_m, self.rate_factor, self.world.terrain.shape,
                self.spec.parameters.movement, oversnow_gear)
        return factors

    _ground_key: float | None = None

    def _apply_weather(self) -> None:
        weather = self.weather
        self.snow_depth_m = weather.snow_depth_m
        self.rate_factor = weather.rate_factor
        self._ground_key = None
        changed = self.passes.update(weather.snowfall_m, self._weather_hours)
        for road in changed:
            flat = [(self.foot_graph.flat(a), self.foot_graph.flat(b)) for a, b in road.legs]
            self.foot_graph.set_leg_flags(flat, on_road=not road.closed)
            self.road_bound_graph.set_leg_flags(flat, blocked=road.closed)
            self.log_event("pass_closed" if road.closed else "pass_reopened", unit="",
                           cause="snow", place=road.name, road_snow_m=round(road.road_snow_m, 2))
        self._roads_changed = self._roads_changed or bool(changed)

    _roads_changed = False

    def plan_routes_when_due(self) -> None:
        """Re-plan routes at once when a road closed or opened, else every few days."""
        refresh_steps = self.spec.parameters.movement.route_refresh_days * 24 / self.spec.step_hours
        if self._roads_changed or self.time - self._routes_planned_at >= refresh_steps:
            self.replan_routes()

    def move_battalions(self, steps_done: float) -> None:
        """Let every battalion march in the daylight hours of this step.

        A battalion marches at most ``march_hours_per_day`` hours a day, by day; with
        ``night_marching`` it may also march at night at night rates.
        """
        movement = self.spec.parameters.movement
        begin, end = self.clock.window(steps_done)
        day_key = begin.date().isoformat()
        if self.marched_today_h.get("day") != day_key:
            self.marched_today_h = {"day": day_key}
        daylight = self.clock.daylight_in_step(steps_done)
        darkness = self.spec.step_hours - daylight
        for unit in self.agents_by_type[Battalion].shuffle():
            if not unit.in_field:
                continue
            unit.start_step()
            used = self.marched_today_h.get(unit.battalion_id, 0.0)
            forced = unit.withdrawing or unit.broken or unit.encircled
            limit = movement.forced_march_hours_per_day if forced else movement.march_hours_per_day
            left = max(0.0, limit - used)
            marched = unit.march(min(daylight, left))
            if movement.night_marching or forced:
                marched += unit.march(min(darkness, max(0.0, left - marched)), night=True)
            self.marched_today_h[unit.battalion_id] = used + marched

    # ------------------------------------------------------------------ securing a road


    def road_stretch(self, a: str, b: str) -> np.ndarray:
        """Cells of the road route from place ``a`` to place ``b``, in order (an n x 2 array)."""
        key = (a, b)
        if key not in self._stretches:
            roads = self.world.roads
            route = roads.route(a, b)
            cells = [c for u, v in zip(route, route[1:]) for c in roads.edge(u, v).cells_from(u)]
            self._stretches[key] = np.array(cells or [self.world.places[a]])
        return self._stretches[key]

    def guard_post(self, unit: Battalion) -> tuple[int, int]:
        """Where a battalion securing a stretch of road stands: where the enemy comes nearest.

        Only cells its side holds count (the road behind the front), and only those nearer to
        an enemy battalion than to any other battalion of its own side: the side's other
        battalions screen the road around them, as they screen convoys
        (:meth:`sim.control.Control.screened_zoc`). With no such cell it stands at the
        stretch's first place (or, without ``supply.road_guard_behind_screen``, where the enemy
        comes nearest the stretch all the same).
        """
        task = unit.task
        cells = self.road_stretch(task.objective, task.secure_to)
        cells = cells[self.control.cells[tuple(cells.T)] == self.control.index[unit.side]]
        enemy, own = [], []
        for other in self.battalions.values():
            if other.in_field and other is not unit:
                (own if other.side == unit.side else enemy).append(other.coordinate)
        if not enemy or not len(cells):
            return self.world.places[task.objective]
        to_enemy = nearest_squared(cells, enemy)
        exposed = to_enemy < nearest_squared(cells, own)
        if not exposed.any():
            if self.spec.parameters.supply.road_guard_behind_screen:
                return self.world.places[task.objective]
            exposed[:] = True  # in the front line all the same
        x, y = cells[exposed][int(np.argmin(to_enemy[exposed]))]
        return int(x), int(y)

    # ------------------------------------------------------------------ control

    def update_control(self, capture: bool = True) -> None:
        """Mark ground passed, hand over places taken, recompute zones of control."""
        holding = [u for u in self.battalions.values() if u.in_field and not u.broken]
        for unit in holding:
            self.control.mark(unit.side, unit.step_cells if capture else [unit.coordinate])
        if capture:
            for place, old, new in self.control.update_places(holding):
                self.log_event("node_captured", unit=new, cause=f"taken from {old}",
                               place=place)
        self.control.update_zones([u for u in holding if u.holds_ground(
            self.spec.parameters.supply.retreat_column_zoc)])
        if capture:
            self.control.sweep(holding, self.spec.parameters.combat.sweep_km * 1000.0
                               / self.world.terrain.cell_size_m)

    def advance_weather_factor(self, cell) -> float:
        """QJM weather mobility factor h_m for an advance: cold and dry, light or heavy snow."""
        if self.weather is None:
            return 1.0
        p = self.spec.parameters.weather
        if float(self.weather.precip_mm[cell]) > 0:
            return float(self.rate_factor[cell])
        return p.cold_advance_factor if float(self.weather.temperature_c[cell]) < 0 else 1.0

    def enemy_ground(self, side: str, cell) -> bool:
        """Whether the enemy opposes an advance into a cell: its outposts or a battalion's zone."""
        return self.control.opposed(side, cell)

    def enemy_holds(self, side: str, cell) -> bool:
        """Whether an enemy battalion in the field and not broken stands on a cell."""
        for agent in self.grid[cell].agents:
            if isinstance(agent, Battalion) and agent.side != side and agent.in_field \
                    and not agent.broken:
                return True
        return False

    def in_enemy_zoc(self, side: str, cell) -> bool:
        """Whether a cell lies in an enemy zone of control."""
        return any(self.control.zoc[s][cell] for s in self.control.sides if s != side)

    def ring_bars(self, side: str, source, target) -> bool:
        """Whether the ring bars an encircled battalion's step (:meth:`Control.ring_bars`)."""
        return bool(self.control.ring_bars(side, source, target)[0])

    def place_name(self, cell) -> str:
        """The place id at a cell, or the cell as text."""
        return self._place_at.get(tuple(cell), f"{tuple(int(c) for c in cell)}")

    def unit_name(self, unique_id: int | None) -> str:
        """The scenario id of the battalion with a Mesa ``unique_id`` ("" for none)."""
        if unique_id is None:
            return ""
        for unit in self.battalions.values():
            if unit.unique_id == unique_id:
                return unit.battalion_id
        return ""

    # ------------------------------------------------------------------ setup helpers

    def armament_of(self, battalion_id: str) -> Armament | None:
        """The lethality of a battalion's weapons; None if the scenario lists no weapons."""
        spec = self.spec
        if not spec.weapons:
            return None
        return armament(spec.battalion_equipment(battalion_id), spec.weapons, spec.vehicles,
                        spec.parameters.combat.dispersion_factor)

    def deploy_battalion(self, battalion_id: str, cell: tuple[int, int],
                         reinforcement: bool = False) -> Battalion:
        """Put a battalion of the scenario on the map."""
        spec = self.spec.battalions[battalion_id]
        unit = Battalion(
            self, battalion_id, spec.name, spec.side, spec.type, spec.strength,
            self.spec.battalion_quality(battalion_id),
            self.spec.battalion_winter_equipment(battalion_id), spec.oversnow_gear,
            self.grid[cell], armament=self.armament_of(battalion_id),
        )
        self.battalions[battalion_id] = unit
        if reinforcement:
            self.reinforced[spec.side] += unit.strength
        else:
            self.initial[spec.side] += unit.strength
        commander = getattr(self, "commanders", {}).get(spec.side)
        if commander is not None and commander.withdrawal_ordered_at is not None:
            unit.withdraw()  # arrives into a withdrawal: holds the exit
        elif battalion_id in self.pending_tasks:
            unit.receive_task(self.pending_tasks.pop(battalion_id))
        return unit

    def log_event(self, event: str, unit: str = "", cause: str = "", place: str = "",
                  **extra: Any) -> None:
        """Record an event of the run (time, unit, event, cause, place)."""
        self.events.append({"time": self.now.isoformat(timespec="minutes"), "step": self.time,
                            "unit": unit, "event": event, "cause": cause, "place": place,
                            **extra})

    # ------------------------------------------------------------------ accounting

    def side_units(self, side: str) -> list[Battalion]:
        """Battalions of a side that are on the map."""
        return [u for u in self.battalions.values() if u.side == side]

    def side_totals(self, side: str) -> dict[str, int]:
        """Men of a side by state: initial, reinforcements, alive, dead and each loss cause."""
        units = self.side_units(side)
        totals = {"initial": self.initial[side], "reinforcements": self.reinforced[side],
                  "alive": sum(u.strength for u in units)}
        for cause in LOSS_CAUSES:
            totals[cause] = sum(u.losses[cause] for u in units)
        totals["dead"] = sum(totals[c] for c in DEATH_CAUSES)
        totals["dead_unevacuated"] = sum(u.dead_unevacuated for u in units)
        totals["in_care"] = sum(u.care.waiting for u in units)
        return totals

    def _model_reporters(self) -> dict[str, Any]:
        reporters: dict[str, Any] = {"date": lambda m: m.clock.at(m.time).isoformat()}
        for side in self.spec.sides:
            reporters[f"{side}_alive"] = lambda m, s=side: m.collected_totals[s]["alive"]
            reporters[f"{side}_dead"] = lambda m, s=side: m.collected_totals[s]["dead"]
            reporters[f"{side}_units_marching"] = lambda m, s=side: sum(
                u.state == UnitState.MARCHING for u in m.side_units(s))
            for cause in ("cold_injured", "cold_dead", "hypothermia_dead", "avalanche_dead",
                          "died_of_wounds", "dead_unevacuated", "in_care", "wounded",
                          "missing"):
                reporters[f"{side}_{cause}"] = lambda m, s=side, c=cause: m.collected_totals[s][c]
            reporters[f"{side}_supply_need_t_per_day"] = lambda m, s=side: (
                m.collected_totals[s]["alive"] * m.spec.parameters.supply.kg_per_man_day / 1000.0)
        reporters["passes_closed"] = lambda m: len(m.passes.closed_edges())
        if self.weather is not None:
            covered_m = self.spec.parameters.weather.snow_cover_min_m
            reporters["snow_cover_share"] = lambda m: (
                np.count_nonzero(m.weather.snow_depth_m > covered_m) / m.weather.snow_depth_m.size)
            reporters["lowest_temperature_c"] = lambda m: float(m.weather.temperature_c.min())
            reporters["weather_forced"] = lambda m: m.weather.forced
        return reporters


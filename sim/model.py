"""The operation: battalions of two sides on the real terrain of the theatre.

``KalbajarModel.step`` is one step of the operation (6 hours by default), in this order:

1. weather: the weather layers advance (:mod:`sim.weather`), snow closes or reopens the roads
   over passes (:mod:`sim.passes`), and routes are re-planned under the new snow,
2. orders: each side's commander issues the phases whose trigger has come (:mod:`sim.plans`),
3. movement: battalions march towards their objectives in the step's daylight hours,
4. winter attrition: cold injury (:mod:`sim.cold`) and avalanches (:mod:`sim.avalanche`),
5. data collection.

Reinforcements enter through Mesa's event scheduler on their scenario dates. The model never
imports plotting code; :mod:`sim.output` and :mod:`sim.mapping` read it from outside.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import mesa
import numpy as np
from mesa.discrete_space import OrthogonalMooreGrid, PropertyLayer

from .agents import DEATH_CAUSES, LOSS_CAUSES, Battalion, Depot, UnitState
from .clock import Clock
from .movement import ground_rate_factors
from . import avalanche, cold
from .avalanche import avalanche_terrain_share
from .passes import PassConditions
from .plans import Commander
from .scenario import Scenario, Task
from .weather import Weather
from .world import build_world


class KalbajarModel(mesa.Model):
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
            self.weather = Weather(terrain.elevation_m, terrain.cell_size_m,
                                   scenario.parameters.weather, self.rng,
                                   settings.temperature_offset_c, settings.snowfall_multiplier,
                                   settings.active_forcing())
            self.weather.spin_up(self.clock.at(0), scenario.parameters.weather.spinup_days)
            self._weather_hours = 0.0
            self.avalanche_terrain = avalanche_terrain_share(terrain.slope_deg,
                                                             scenario.parameters.avalanche)
            self._apply_weather()
        self.pending_tasks: dict[str, Task] = {}
        self.marched_today_h: dict[str, float] = {}
        self.initial = dict.fromkeys(scenario.sides, 0)
        self.reinforced = dict.fromkeys(scenario.sides, 0)

        arriving_later = scenario.reinforcement_ids()
        for battalion_id, spec in scenario.battalions.items():
            if battalion_id not in arriving_later:
                self.deploy_battalion(battalion_id, self.world.places[spec.start])
        for depot_id, spec in scenario.depots.items():
            Depot(self, depot_id, spec.side, spec.place, self.grid[self.world.places[spec.place]])
        self.commanders = {side_id: Commander(self, side_id, side)
                           for side_id, side in scenario.sides.items()}

        self.datacollector = mesa.DataCollector(
            model_reporters=self._model_reporters(),
            agenttype_reporters={Battalion: {
                name: name for name in (
                    "battalion_id", "side", "x", "y", "strength", "status", "km_marched",
                    "temperature_c", "wind_ms", "snow_depth_m", "cold_injured", "cold_dead",
                    "avalanche_dead")
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
        for commander in self.commanders.values():
            commander.issue_orders()
        self.move_battalions(steps_done)
        self.apply_winter_attrition()
        self.collect()
        if self.time >= self.spec.steps:
            self.running = False

    def collect(self) -> None:
        """Record the step: side totals are counted once, then every reporter reads them."""
        self.collected_totals = {side: self.side_totals(side) for side in self.spec.sides}
        self.datacollector.collect(self)

    def update_weather(self, steps_done: float) -> None:
        """Advance the weather, open or close passes, and re-plan routes when due."""
        if self.weather is None:
            return
        self.weather.advance(self.clock.at(steps_done), self.spec.step_hours)
        self._weather_hours = self.spec.step_hours
        self._apply_weather()

    def ground_factors(self, oversnow_gear: bool = False):
        """Per-cell march-rate multipliers (off road, on road) under the current snow and
        weather; 1 everywhere without weather."""
        key = (self.time, oversnow_gear)
        if self._ground_key != key:
            self._ground = ground_rate_factors(self.snow_depth_m, self.rate_factor,
                                               self.world.terrain.shape,
                                               self.spec.parameters.movement, oversnow_gear)
            self._ground_key = key
        return self._ground

    _ground_key: tuple | None = None

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
        refresh_steps = self.spec.parameters.weather.route_refresh_days * 24 / self.spec.step_hours
        if changed or self.time - self._routes_planned_at >= refresh_steps:
            self.foot_graph.update(self.snow_depth_m, self.rate_factor)
            self.road_bound_graph.update(self.snow_depth_m, hours=self.foot_graph.hours)
            self._routes_planned_at = self.time
        for unit in self.battalions.values():
            unit.read_weather(weather)

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
            left = max(0.0, movement.march_hours_per_day - used)
            marched = unit.march(min(daylight, left))
            if movement.night_marching:
                marched += unit.march(min(darkness, max(0.0, left - marched)), night=True)
            self.marched_today_h[unit.battalion_id] = used + marched

    def apply_winter_attrition(self) -> None:
        """Cold injury and avalanches for every battalion in the field, in one vectorised draw
        per mechanism; then fatigue builds or eases.

        Marching hours are spent at the coldest cell crossed in the step, resting hours where the
        battalion stands (under a roof in a village or town); avalanches may strike on any cell
        crossed or occupied.
        """
        units = [u for u in self.agents_by_type[Battalion] if u.in_field]
        weather, step_hours = self.weather, self.spec.step_hours
        if weather is not None and units:
            for unit in units:
                unit.read_weather(weather)
            lengths = np.array([len(u.step_cells) for u in units])
            owner = np.repeat(np.arange(len(units)), lengths)
            cells = tuple(np.concatenate([u.step_cells for u in units]).T)
            if self.spec.weather.cold_injury:
                self._cold_injuries(units, cells, lengths, step_hours)
            if self.spec.weather.avalanches:
                self._avalanches(units, cells, owner, step_hours)
        for unit in units:
            unit.tire_or_recover(step_hours)

    def _cold_injuries(self, units, cells, lengths, step_hours) -> None:
        weather, p = self.weather, self.spec.parameters.cold
        chill = cold.wind_chill_c(weather.temperature_c[cells], weather.wind_ms[cells])
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        march_chill = np.minimum.reduceat(chill, starts)
        rest_chill = np.array([u.temperature_c for u in units])
        rest_chill = cold.wind_chill_c(rest_chill, np.array([u.wind_ms for u in units]))
        march_hours = np.array([u.march_hours_step for u in units])
        sheltered = np.array([u.sheltered for u in units])
        rest_outdoors = np.maximum(step_hours - march_hours, 0.0) * np.where(
            sheltered, p.sheltered_exposure_share, 1.0)
        injured, dead = cold.cold_casualties(
            self.rng, [u.strength for u in units], march_hours, march_chill, rest_outdoors,
            rest_chill, [u.winter_equipment for u in units], [u.supplied for u in units],
            [u.fatigue_days for u in units], p)
        for unit, hurt, died in zip(units, injured, dead):
            if hurt:
                unit.lose("cold_dead", int(died))
                unit.lose("cold_injured", int(hurt - died))

    def _avalanches(self, units, cells, owner, step_hours) -> None:
        weather, p = self.weather, self.spec.parameters.avalanche
        release = avalanche.release_probability(
            self.avalanche_terrain[cells], weather.fresh_snow_m[cells],
            weather.temperature_c[cells], step_hours, p)
        strike = avalanche.strike_probability(release, owner, len(units))
        for unit in (u for u, hit in zip(units, self.rng.random(len(units)) < strike) if hit):
            caught = int(self.rng.binomial(unit.strength, p.caught_share))
            dead = unit.lose("avalanche_dead", int(self.rng.binomial(caught, p.caught_lethality)))
            self.log_event("avalanche", unit=unit.battalion_id, cause="fresh snow on steep slope",
                           place=f"{unit.coordinate}", dead=dead)

    # ------------------------------------------------------------------ setup helpers

    def deploy_battalion(self, battalion_id: str, cell: tuple[int, int],
                         reinforcement: bool = False) -> Battalion:
        """Put a battalion of the scenario on the map."""
        spec = self.spec.battalions[battalion_id]
        unit = Battalion(
            self, battalion_id, spec.name, spec.side, spec.type, spec.strength,
            self.spec.battalion_quality(battalion_id),
            self.spec.battalion_winter_equipment(battalion_id), spec.oversnow_gear,
            self.grid[cell],
        )
        self.battalions[battalion_id] = unit
        if reinforcement:
            self.reinforced[spec.side] += unit.strength
        else:
            self.initial[spec.side] += unit.strength
        if battalion_id in self.pending_tasks:
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
        return totals

    def _model_reporters(self) -> dict[str, Any]:
        reporters: dict[str, Any] = {"date": lambda m: m.clock.at(m.time).isoformat()}
        for side in self.spec.sides:
            reporters[f"{side}_alive"] = lambda m, s=side: m.collected_totals[s]["alive"]
            reporters[f"{side}_dead"] = lambda m, s=side: m.collected_totals[s]["dead"]
            reporters[f"{side}_units_marching"] = lambda m, s=side: sum(
                u.state == UnitState.MARCHING for u in m.side_units(s))
            for cause in ("cold_injured", "cold_dead", "avalanche_dead"):
                reporters[f"{side}_{cause}"] = lambda m, s=side, c=cause: m.collected_totals[s][c]
        reporters["passes_closed"] = lambda m: len(m.passes.closed_edges())
        if self.weather is not None:
            reporters["snow_cover_share"] = lambda m: float((m.weather.snow_depth_m > 0.1).mean())
            reporters["lowest_temperature_c"] = lambda m: float(m.weather.temperature_c.min())
            reporters["weather_forced"] = lambda m: m.weather.forced
        return reporters


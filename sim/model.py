"""The operation: battalions of two sides on the real terrain of the theatre.

``KalbajarModel.step`` is one step of the operation (6 hours by default), in this order:

1. weather: the weather layers advance (:mod:`sim.weather`), snow closes or reopens the roads
   over passes (:mod:`sim.passes`); routes are re-planned when a road closed or opened, and
   every few days under the current front and snow (:mod:`sim.routing`),
2. supply: each side's supply is traced from its depots over the roads (:mod:`sim.supply`);
   battalions the enemy cuts off from it become encircled, hold on what they carry and then
   try to break out,
3. orders: each side's commander issues the phases whose trigger has come, and orders a
   withdrawal when its conditions are met (:mod:`sim.plans`),
4. movement: battalions march towards their objectives in the step's daylight hours, stopping
   on entering an enemy zone of control (:mod:`sim.control`),
5. combat between battalions in contact, and bombardment (:mod:`sim.combat`),
6. winter attrition: cold injury (:mod:`sim.cold`) and avalanches (:mod:`sim.avalanche`),
7. morale: battalions break or rally (:mod:`sim.morale`),
8. control of ground and places, zones of control,
9. data collection.

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

from . import avalanche, cold
from .agents import DEATH_CAUSES, LOSS_CAUSES, Battalion, Depot, UnitState
from .avalanche import avalanche_terrain_share
from .clock import Clock
from .combat import CombatResolver
from .control import Control, nearest_squared
from .morale import draw_breakpoint, effective_breakpoint
from .movement import cell_rate_factors, ground_rate_factors, snow_rate_factor
from .passes import PassConditions
from .plans import Commander
from .routing import MarchGraph
from .scenario import Posture, Quality, Scenario, Task, UnitType
from .supply import CutOff, SupplyNetwork, carry_cost
from .terrain import TerrainClass
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
                               p.supply.zoc_km * km_cells, p.combat.held_territory_km * km_cells)
        self.graphs = {(sid, kind): base.view() for sid in scenario.sides
                       for kind, base in (("foot", self.foot_graph),
                                          ("road_bound", self.road_bound_graph))}
        self.advance_hours = self._advance_hours()
        self.replan_routes()
        self.supply = SupplyNetwork(self.world.roads, terrain.cell_size_m, p.supply.offroad_km,
                                    terrain.elevation_m)
        self.combat = CombatResolver(self)
        self.depots = {sid: [d.place for d in scenario.depots.values() if d.side == sid]
                       for sid in scenario.sides}
        self._supplied_before: dict[str, np.ndarray] = {}  # road cells supply ever reached
        self._contact_pairs: set[tuple[str, str]] = set()
        self._edges_seen_open: dict[str, set] = {sid: set() for sid in scenario.sides}
        self._edge_blocked_since: dict[str, dict] = {sid: {} for sid in scenario.sides}
        self.supplied_cells: dict[str, np.ndarray] = {}
        self.carried_cells: dict[str, np.ndarray] = {}
        self._place_at = {cell: place for place, cell in self.world.places.items()}

        arriving_later = scenario.reinforcement_ids()
        for battalion_id, spec in scenario.battalions.items():
            if battalion_id not in arriving_later:
                self.deploy_battalion(battalion_id, self.world.places[spec.start])
        for depot_id, spec in scenario.depots.items():
            Depot(self, depot_id, spec.side, spec.place, self.grid[self.world.places[spec.place]])
        self.commanders = {side_id: Commander(self, side_id, side)
                           for side_id, side in scenario.sides.items()}
        self.update_control(capture=False)
        self.trace_supply(announce=False)

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
        self.plan_routes_when_due()
        self.trace_supply()
        for commander in self.commanders.values():
            commander.issue_orders()
        self.move_battalions(steps_done)
        contacts = self.fight()
        self.apply_winter_attrition()
        self.check_morale(contacts)
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
            enemy = self.control.enemy_outpost_cells(side)
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

    def apply_winter_attrition(self) -> None:
        """Cold injury and avalanches for every battalion in the field; fatigue builds or eases.

        Each mechanism is one vectorised draw over all battalions.

        Marching hours are spent at the coldest cell crossed in the step, resting hours where the
        battalion stands (under a roof in a village or town); avalanches may strike on any cell
        crossed or occupied.
        """
        units = [u for u in self.agents_by_type[Battalion] if u.in_field]
        weather, step_hours = self.weather, self.spec.step_hours
        if weather is not None and units:
            lengths = np.array([len(u.step_cells) for u in units])
            cells = tuple(np.array([c for u in units for c in u.step_cells]).T)
            air_c, wind_ms = weather.temperature_c[cells], weather.wind_ms[cells]
            here = np.cumsum(lengths) - 1  # where each battalion stands at the end of the step
            for unit, temperature, wind, snow in zip(
                    units, air_c[here].tolist(), wind_ms[here].tolist(),
                    weather.snow_depth_m[tuple(axis[here] for axis in cells)].tolist()):
                unit.temperature_c, unit.wind_ms, unit.snow_depth_m = temperature, wind, snow
            if self.spec.weather.cold_injury:
                self._cold_injuries(units, lengths, air_c, wind_ms, step_hours)
            if self.spec.weather.avalanches:
                self._avalanches(units, cells, lengths, air_c, step_hours)
        for unit in units:
            unit.tire_or_recover(step_hours)

    def _cold_injuries(self, units, lengths, air_c, wind_ms, step_hours) -> None:
        """One draw of cold injuries over the battalions.

        ``air_c`` and ``wind_ms`` are read on the cells each crossed, ``lengths`` cells each.
        """
        p = self.spec.parameters.cold
        (march_hours, sheltered, dug_in, strength, equipment, supplied, fatigue,
         evacuable) = np.array([(u.march_hours_step, u.sheltered, u.dug_in, u.strength,
                                 u.winter_equipment, u.supplied, u.fatigue_days, u.supply_path)
                                for u in units], dtype=float).T
        exposure = cold.rest_exposure_share(sheltered != 0, dug_in != 0, p)
        chill = cold.wind_chill_c(air_c, wind_ms)
        ends = np.cumsum(lengths)
        march_chill = np.minimum.reduceat(chill, ends - lengths)
        rest_chill = chill[ends - 1]  # where the battalion stands at the end of the step
        rest_outdoors = np.maximum(step_hours - march_hours, 0.0) * exposure
        injured, dead = cold.cold_casualties(
            self.rng, strength.astype(np.int64), march_hours, march_chill, rest_outdoors,
            rest_chill, equipment, supplied != 0, fatigue, p, evacuable=evacuable != 0)
        for unit, hurt, died in zip(units, injured.tolist(), dead.tolist()):
            if hurt:
                unit.lose("cold_dead", died)
                unit.lose("cold_injured", hurt - died)

    def _avalanches(self, units, cells, lengths, air_c, step_hours) -> None:
        """Avalanches on the cells each battalion crossed or holds.

        One draw per battalion every step, fresh snow or not, so the random stream does not
        hang on the snow.
        """
        weather, p = self.weather, self.spec.parameters.avalanche
        draws = self.rng.random(len(units))
        fresh = weather.fresh_snow_m[cells]
        if not fresh.max() > p.min_fresh_snow_m:  # no release below the minimum new snow
            return
        release = avalanche.release_probability(
            self.avalanche_terrain[cells], fresh, air_c, step_hours, p)
        strike = avalanche.strike_probability(release, np.repeat(np.arange(len(units)), lengths),
                                              len(units))
        for unit in (u for u, hit in zip(units, draws < strike) if hit):
            caught = int(self.rng.binomial(unit.strength, p.caught_share))
            dead = unit.lose("avalanche_dead", int(self.rng.binomial(caught, p.caught_lethality)))
            self.log_event("avalanche", unit=unit.battalion_id, cause="fresh snow on steep slope",
                           place=f"{unit.coordinate}", dead=dead)

    # ------------------------------------------------------------------ supply

    def trace_supply(self, announce: bool = True) -> None:
        """Trace each side's supply, refill or run down stocks, and find encircled battalions."""
        p = self.spec.parameters.supply
        step_days = self.spec.step_hours / 24.0 if announce else 0.0
        closed = self.passes.closed_edges()
        going = self.carry_going()
        for side in self.spec.sides:
            units = [u for u in self.side_units(side) if u.in_field]
            blocked = self.supply.blockages(side, self.control, closed)
            _, reached = self.supply.reachable(side, self.depots[side], self.control, blocked)
            ground = self.porter_ground(side, units)
            carried = self.supply.carry_area(reached, ground, going)
            self.supplied_cells[side] = reached
            self.carried_cells[side] = carried
            supplied_before = self._supplied_before.setdefault(
                side, np.zeros_like(reached, dtype=bool))
            supplied_before |= reached
            nodes, _ = self.supply.reachable(side, self.depots[side], self.control, blocked,
                                             ignore_snow=True)
            run_cuts = self.supply.run_cuts(
                side, self.control, blocked, nodes, supplied_before,
                self._edges_seen_open[side], [u.coordinate for u in units
                                              if not carried[u.coordinate]])
            by_enemy = {k: b for k, b in blocked.items() if b.cause != "snow"}
            self._note_road_cuts(side, by_enemy, run_cuts, announce)
            cut_off = CutOff(self.supply, self.control, side, self.depots[side], blocked,
                             reached, ground, self._edges_seen_open[side], going,
                             run_cuts=set(run_cuts))
            for unit in units:
                unit.supply_path = bool(carried[unit.coordinate])
                # A dug-in battalion keeps its trains' stock in its position; on the move it
                # takes what its men and vehicles carry.
                stock = max(p.position_stock_days, p.carried_days) if unit.dug_in \
                    else p.carried_days
                if unit.supply_path:
                    unit.supply_days += p.resupply_days_per_day * step_days
                    unit.ammunition_days = self.spec.parameters.combat.ammunition_days
                unit.supply_days = min(unit.supply_days, stock)
                unit.supply_days = max(0.0, unit.supply_days - step_days)
                if announce:
                    self.manage_supply_pause(unit, carried)
                if unit.supply_path or not cut_off.pocketed(unit.coordinate):
                    if unit.encircled and announce:
                        self.log_event("broke_out", unit=unit.battalion_id,
                                       cause="linked up with own lines",
                                       place=self.place_name(unit.coordinate))
                    unit.encircled, unit.cut_since = False, None
                    continue
                if unit.cut_since is None:
                    unit.cut_since = self.time
                hours_cut = (self.time - unit.cut_since) * self.spec.step_hours
                if announce and self.surrenders(unit):
                    continue
                if announce and not unit.encircled and hours_cut >= p.encircled_after_hours:
                    self.encircle(unit, blocked, run_cuts)
                elif announce and unit.encircled and not unit.withdrawing and (
                        unit.broken or unit.supply_days <= 0):
                    self.break_out(unit)

    def carry_going(self) -> np.ndarray | None:
        """Whole steps the porters take to cross each cell in the day's snow.

        Porters keep to a trodden track: the FM 31-70 snow factor on a road (the snow counted
        at ``road_snow_depth_share`` of its depth), taken once a day. None without weather, or
        when ``supply.porters_slowed_by_snow`` is off.
        """
        if self.weather is None or not self.spec.parameters.supply.porters_slowed_by_snow:
            return None
        day = int(self.time * self.spec.step_hours // 24)
        if self._going_day != day:
            trodden = snow_rate_factor(self.snow_depth_m, True, self.spec.parameters.movement)
            self._going = carry_cost(trodden, self.supply.offroad_cells)
            self._going_day = day
        return self._going

    _going_day: int | None = None
    _going: np.ndarray | None = None

    def porter_ground(self, side: str, units: list[Battalion]) -> np.ndarray:
        """Cells a side's porters may cross: open ground and the cells ``units`` stand on."""
        ground = self.control.open_ground(side).copy()
        if units:
            ground[tuple(np.array([u.coordinate for u in units]).T)] = True
        return ground

    def _note_road_cuts(self, side: str, by_enemy: dict, run_cuts: dict,
                        announce: bool) -> None:
        """Log the enemy cutting (and reopening) road edges this side's supply had used.

        ``run_cuts`` are roads cut part of the way along (:meth:`SupplyNetwork.run_cuts`).
        """
        seen_open = self._edges_seen_open[side]
        since = self._edge_blocked_since[side]
        cuts = {key: by_enemy[key] for key in set(by_enemy) & seen_open} | run_cuts
        for key in sorted(set(since) - set(cuts)):
            del since[key]
            if announce:
                self.log_event("road_reopened", unit="", cause="enemy gone",
                               place=f"{key[0]}-{key[1]}", road=self.supply.edges[key].road,
                               side=side)
        for key in sorted(set(cuts) - set(since)):
            since[key] = self.time
            cut = cuts[key]
            if announce:
                self.log_event("road_cut", unit=self._unit_name(cut.by_unit),
                               cause=f"{cut.cause} by {cut.by_side}",
                               place=f"{key[0]}-{key[1]}", road=cut.road, side=side)
        seen_open.update(key for key in self.supply.edges if key not in by_enemy)

    def abandon_heavy_equipment(self, unit: Battalion) -> None:
        """Guns or vehicles that cannot get out are left behind; the crews go on foot."""
        unit.unit_type = UnitType.INFANTRY
        unit.quality = Quality.POOR
        self.log_event("equipment_abandoned", unit=unit.battalion_id,
                       cause="no road out for the guns", place=self.place_name(unit.coordinate))

    def enemy_blocked_since(self, side: str) -> dict[str, float]:
        """Roads on which the enemy now blocks a side's supply, with when the oldest cut began.

        Only edges the side's supply could once use count.
        """
        roads: dict[str, float] = {}
        for key, since in self._edge_blocked_since[side].items():
            road = self.supply.edges[key].road
            roads[road] = min(since, roads.get(road, since))
        return roads

    def manage_supply_pause(self, unit: Battalion, carried: np.ndarray) -> None:
        """An attack that has run out of supplies pulls back to restock (culminating point).

        The battalion falls back to the nearest supplied place its side holds and resumes its
        task once restocked.
        """
        p = self.spec.parameters.supply
        if unit.resupplying and unit.withdrawing:
            unit.resupplying = False  # the withdrawal order overrides the pause
        if unit.resupplying:
            if unit.supply_days >= p.resume_attack_days and unit.task is not None:
                unit.resupplying = False
                unit.receive_task(unit.task)
                self.log_event("attack_resumed", unit=unit.battalion_id, cause="resupplied",
                               place=self.place_name(unit.coordinate))
            return
        attacking = unit.task is not None and unit.task.posture == Posture.ATTACK
        if (unit.supplied or unit.supply_path or not attacking or unit.withdrawing
                or unit.broken or unit.encircled):
            return
        base = self.supplied_place(unit, carried)
        if base is None:
            return
        unit.resupplying = True
        unit.fall_back(base)
        self.log_event("falls_back_for_supply", unit=unit.battalion_id, cause="out of supplies",
                       place=base)

    def supplied_place(self, unit: Battalion, carried: np.ndarray) -> str | None:
        """The nearest place (by march time) the battalion's side holds and can supply."""
        candidates = {place: self.world.places[place]
                      for place, owner in self.control.owner.items()
                      if owner == unit.side
                      and carried[self.world.places[place]]}
        return unit.graph.nearest(unit.coordinate, candidates)

    def encircle(self, unit: Battalion, blocked, run_cuts=None) -> None:
        """Mark a battalion encircled, name the cut, and order it to break out."""
        side = unit.side
        cuts = self.supply.cut_on_the_way(side, self.depots[side], unit.coordinate, blocked)
        if not cuts and run_cuts:  # cut part of the way along a road near it
            near = [key for key in sorted(run_cuts) if np.hypot(*(np.asarray(
                self.supply.edges[key].cells, dtype=float) - unit.coordinate).T).min()
                <= self.supply.offroad_cells]
            cuts = [run_cuts[key] for key in near or sorted(run_cuts)]
        cause = "; ".join(f"{c.edge[0]}-{c.edge[1]} ({c.road}) {c.cause} by {c.by_side}"
                          + (f" {self._unit_name(c.by_unit)}" if c.by_unit else "")
                          for c in cuts) or "enemy zone of control around the battalion"
        unit.encircled = True
        unit.ever_encircled = True
        self.log_event("encircled", unit=unit.battalion_id, cause=cause,
                       place=self.place_name(unit.coordinate))
        if unit.supply_days <= 0:
            self.break_out(unit)

    def break_out(self, unit: Battalion) -> None:
        """An encircled battalion whose carried supply is spent tries to get back to its lines.

        Until then it keeps its task on what it carries, as a bypassed unit would; a broken
        one is already falling back.
        """
        if not unit.broken:
            goal = self.rear_place(unit)
            if goal is None and unit.unit_type.road_bound:
                self.abandon_heavy_equipment(unit)
                goal = self.rear_place(unit)
            if goal is not None:
                unit.withdrawing = True
                unit.fall_back(goal)
                self.log_event("breakout", unit=unit.battalion_id, cause=f"towards {goal}",
                               place=self.place_name(unit.coordinate))

    def escape_route(self, unit: Battalion) -> list[tuple[int, int]]:
        """A way back for a battalion falling back that keeps clear of the enemy's battalions.

        It leads to the nearest of the battalion's objective and its side's exits (withdrawal
        destinations, else depots), never into a cell where an unbroken enemy battalion stands
        (such a way is the breakout route round the enemy: the Susuzluq-Agdag track when the
        Omar road is held). The battalion's objective becomes the way's end. Empty when there
        is no such way.
        """
        targets = [unit.objective_cell] + [self.world.places[p] for p in self.exits(unit.side)]
        route = unit.graph.route_avoiding(unit.coordinate, targets,
                                          self.standing_enemies(unit.side))
        if route:
            unit.objective_cell = route[-1]
        return route

    def surrenders(self, unit: Battalion) -> bool:
        """Whether a trapped battalion gives up this step; if so its men are captured.

        Trapped: encircled, its carried supplies spent and no way out round the enemy. Each
        day so trapped it surrenders with chance ``trapped_surrender_per_day``.
        """
        if unit.trapped_since is None or not unit.encircled or unit.supply_days > 0:
            return False
        daily = self.spec.parameters.morale.trapped_surrender_per_day
        chance = 1.0 - (1.0 - daily) ** (self.spec.step_hours / 24.0)
        if self.rng.random() >= chance:
            return False
        self.log_event("surrendered", unit=unit.battalion_id,
                       cause="encircled, out of supplies, no way out",
                       place=self.place_name(unit.coordinate), men=unit.strength)
        unit.lose("missing", unit.strength)
        return True

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
        stretch's first place.
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
            return self.world.places[task.objective]
        x, y = cells[exposed][int(np.argmin(to_enemy[exposed]))]
        return int(x), int(y)

    def exits(self, side: str) -> list[str]:
        """Places a side's battalions withdraw or break out to: the plan's, else its depots."""
        plan = self.spec.sides[side].plan
        return list(plan.withdrawal.to if plan.withdrawal else self.depots[side])

    def standing_enemies(self, side: str) -> list[tuple[int, int]]:
        """Cells of the enemy battalions in the field that have not broken."""
        return [u.coordinate for u in self.battalions.values()
                if u.side != side and u.in_field and not u.broken]

    def rear_place(self, unit: Battalion, nearby: bool = False) -> str | None:
        """The place a battalion falls back to, nearest by march time.

        A broken battalion (``nearby``) falls back to the nearest place its side holds at least
        ``retreat_km`` from any enemy battalion, on its side's line of supply when one such place
        is (a beaten unit falls back on its communications, not deeper into a pocket); a
        battalion breaking out or withdrawing to its side's withdrawal destinations if the plan
        names them, otherwise to its depots.
        """
        side = unit.side
        candidates = self.exits(side)
        if nearby:
            terrain = self.world.terrain
            enemies = self.standing_enemies(side)
            reach = self.spec.parameters.morale.retreat_km

            def clear_of_enemy(cell):
                return all(terrain.distance_km(cell, e) >= reach for e in enemies)

            held = [place for place, owner in self.control.owner.items()
                    if owner == side and clear_of_enemy(self.world.places[place])]
            supplied = self.carried_cells.get(side)
            on_supply = [place for place in held
                         if supplied is not None and supplied[self.world.places[place]]]
            candidates = on_supply or held or candidates
        return unit.graph.nearest(unit.coordinate,
                                  {place: self.world.places[place] for place in candidates})

    # ------------------------------------------------------------------ combat and morale

    def fight(self) -> dict:
        """Resolve contacts and bombardment; note who is in contact."""
        units = [u for u in self.battalions.values() if u.in_field]
        step_days = self.spec.step_hours / 24.0
        known = self._contact_pairs
        contacts = self.combat.resolve(units)
        pairs = set()
        for contact in contacts.values():
            for enemy in contact.enemies:
                pairs.add(tuple(sorted((contact.unit.battalion_id, enemy.battalion_id))))
        for a, b in sorted(pairs - known):
            self.log_event("contact", unit=a, cause=f"with {b}",
                           place=self.place_name(self.battalions[a].coordinate))
        self._contact_pairs = pairs
        for unit in units:
            if unit.unique_id in contacts:
                unit.combat_days += step_days
                unit.out_of_contact_since = None
                if unit.surprise is not None and unit.surprise_until is None \
                        and self.combat.is_attacking(unit):
                    unit.surprise_until = self.time + unit.surprise[1]  # the surprise is sprung
            else:
                unit.combat_days = max(0.0, unit.combat_days - step_days)
                if unit.out_of_contact_since is None:
                    unit.out_of_contact_since = self.time
            if unit.targets_this_step and not unit.supply_path:
                unit.ammunition_days = max(0.0, unit.ammunition_days - step_days)
        self.combat.bombard(units, contacts)
        return contacts

    def check_morale(self, contacts) -> None:
        """Battalions break, call off attacks, rally and resume (:mod:`sim.morale`).

        Battalions in contact or encircled break when their losses (all causes) reach their
        breakpoint; an attacking battalion calls its attack off instead. Broken battalions
        recover after a quiet spell in supply; a called-off attack is renewed after the same
        spell of holding in supply, in contact or not (the battalion regroups where it stands).
        """
        p = self.spec.parameters.morale
        for unit in [u for u in self.battalions.values() if u.in_field]:
            if unit.stalled_since is not None and not unit.broken:
                regrouped = (self.time - unit.stalled_since) * self.spec.step_hours >= p.rally_hours
                if regrouped and unit.supplied and unit.task is not None and not unit.withdrawing:
                    unit.stalled_since = None
                    if not unit.spent:
                        unit.breakpoint = draw_breakpoint(self.rng, p)  # a new engagement
                        unit.receive_task(unit.task)
                        self.log_event("attack_resumed", unit=unit.battalion_id,
                                       cause="recovered", place=self.place_name(unit.coordinate))
            if unit.broken:
                calm_since = None if unit.out_of_contact_since is None else max(
                    unit.out_of_contact_since, unit.broken_since or 0)
                quiet = calm_since is not None and (
                    self.time - calm_since) * self.spec.step_hours >= p.rally_hours
                if quiet and unit.supplied and not unit.encircled:
                    unit.rally()
                    self.log_event("rallied", unit=unit.battalion_id, cause="out of contact",
                                   place=self.place_name(unit.coordinate))
                continue
            if unit.unique_id not in contacts and not unit.encircled:
                continue  # battalions break in battle or when cut off, not in quiet sectors
            threshold = effective_breakpoint(unit.breakpoint, unit.quality.value, unit.encircled,
                                             unit.supplied, unit.surprised, p)
            unit.surprised = False
            if unit.loss_share >= threshold and self.combat.is_attacking(unit) \
                    and not unit.encircled:
                # A failed attack is called off: the battalion goes over to the defence where
                # it stands, and renews it once it has regrouped (like a rally).
                self.log_event("attack_stalled", unit=unit.battalion_id,
                               cause=f"losses {unit.loss_share:.0%}",
                               place=self.place_name(unit.coordinate))
                unit.stalled_since = self.time
                unit.loss_offset = unit.joined - unit.strength
                unit.objective_cell = unit.coordinate
                unit.state = UnitState.HOLDING
                unit.held_since = self.time
            elif unit.loss_share >= threshold:
                # Withdrawing or encircled, it flees towards its side's exits.
                goal = self.rear_place(unit, nearby=not (unit.withdrawing or unit.encircled))
                unit.broken_since = self.time
                if goal is not None:
                    unit.fall_back(goal, state=UnitState.BROKEN)
                else:
                    unit.state = UnitState.BROKEN
                self.log_event("broken", unit=unit.battalion_id,
                               cause=f"losses {unit.loss_share:.0%}"
                               + (", encircled" if unit.encircled else "")
                               + ("" if unit.supplied else ", unsupplied"),
                               place=self.place_name(unit.coordinate))

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
        self.control.update_zones([u for u in holding if not u.unit_type.road_bound])
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
        """Whether a cell is held by another side and watched by its outposts."""
        return self.control.enemy_outposts(side, cell)

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

    def place_name(self, cell) -> str:
        """The place id at a cell, or the cell as text."""
        return self._place_at.get(tuple(cell), f"{tuple(int(c) for c in cell)}")

    def _unit_name(self, unique_id: int | None) -> str:
        if unique_id is None:
            return ""
        for unit in self.battalions.values():
            if unit.unique_id == unique_id:
                return unit.battalion_id
        return ""

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
        commander = getattr(self, "commanders", {}).get(spec.side)
        if commander is not None and commander.withdrawal_ordered_at is not None:
            unit.withdrawing = True  # arrives into a withdrawal: holds the exit
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
            reporters[f"{side}_supply_need_t_per_day"] = lambda m, s=side: (
                m.collected_totals[s]["alive"] * m.spec.parameters.supply.kg_per_man_day / 1000.0)
        reporters["passes_closed"] = lambda m: len(m.passes.closed_edges())
        if self.weather is not None:
            reporters["snow_cover_share"] = lambda m: (
                np.count_nonzero(m.weather.snow_depth_m > 0.1) / m.weather.snow_depth_m.size)
            reporters["lowest_temperature_c"] = lambda m: float(m.weather.temperature_c.min())
            reporters["weather_forced"] = lambda m: m.weather.forced
        return reporters


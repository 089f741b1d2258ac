"""The operation: battalions of two sides on the real terrain of the theatre.

``KalbajarModel.step`` is one step of the operation (6 hours by default), in this order:

1. weather (hook: snow cover on the march graph; filled by the weather mechanism),
2. orders: each side's commander issues the phases whose trigger has come (:mod:`sim.plans`),
3. movement: battalions march towards their objectives in the step's daylight hours,
4. data collection.

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
from .plans import Commander
from .scenario import Scenario, Task
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
        self.snow_depth_m: np.ndarray | None = None
        centre_lat = float(terrain.lat[terrain.width // 2, terrain.height // 2])
        self.clock = Clock(scenario.start_date, scenario.step_hours, centre_lat)
        self.events: list[dict[str, Any]] = []
        self.battalions: dict[str, Battalion] = {}
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
                "battalion": "battalion_id", "side": "side", "x": lambda a: a.coordinate[0],
                "y": lambda a: a.coordinate[1], "strength": "strength",
                "state": lambda a: a.state.value, "km_marched": "km_marched",
            }},
        )
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ time

    @property
    def now(self) -> dt.datetime:
        """Start of the step being simulated (in an event between steps: of the next step)."""
        return self.clock.at(max(math.ceil(self.time) - 1, 0))

    # ------------------------------------------------------------------ the step

    def step(self) -> None:
        """One step of the operation; see the module docstring for the order."""
        steps_done = self.time - 1
        self.update_weather()
        for commander in self.commanders.values():
            commander.issue_orders()
        self.move_battalions(steps_done)
        self.datacollector.collect(self)
        if self.time >= self.spec.steps:
            self.running = False

    def update_weather(self) -> None:
        """Weather hook: the weather mechanism sets ``snow_depth_m`` and re-weights the graphs."""

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
            used = self.marched_today_h.get(unit.battalion_id, 0.0)
            left = max(0.0, movement.march_hours_per_day - used)
            day_hours = min(daylight, left)
            unit.march(day_hours)
            night_hours = 0.0
            if movement.night_marching:
                night_hours = min(darkness, max(0.0, left - day_hours))
                unit.march(night_hours, night=True)
            self.marched_today_h[unit.battalion_id] = used + day_hours + night_hours

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
            reporters[f"{side}_alive"] = lambda m, s=side: m.side_totals(s)["alive"]
            reporters[f"{side}_dead"] = lambda m, s=side: m.side_totals(s)["dead"]
            reporters[f"{side}_units_marching"] = lambda m, s=side: sum(
                u.state == UnitState.MARCHING for u in m.side_units(s))
        return reporters


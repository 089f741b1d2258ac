"""Who acts: battalions that march and hold ground, and the depots that feed them.

A :class:`Battalion` is a Mesa ``CellAgent`` on the terrain grid. It carries out the task its
side's plan gives it (:mod:`sim.plans`): it marches along the fastest route to the objective
(:mod:`sim.routing`) at field-manual rates (:mod:`sim.movement`) during the hours of daylight
of each step, and takes up its posture on arrival. Its losses are kept by cause so that
personnel is conserved: strength + every loss = men who ever joined the battalion.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from mesa.discrete_space import CellAgent, FixedAgent

from .evacuation import CARE_CAUSES, DEATH_OF, CasualtyCare
from .morale import draw_breakpoint, effective_breakpoint, escape_route, rear_place
from .movement import leg_time_h
from .routing import NO_PATH
from .scenario import Posture, Quality, Task, UnitType
from .states import Orders, UnitState, check_orders, check_transition
from .weapons import Armament

LOSS_CAUSES = ("killed", "died_of_wounds", "wounded", "missing", "cold_injured", "cold_dead",
               "hypothermia_dead", "avalanche_dead")
DEATH_CAUSES = ("killed", "died_of_wounds", "cold_dead", "hypothermia_dead", "avalanche_dead")


class Battalion(CellAgent):
    """A battalion on the grid.

    Args:
        model: the model.
        battalion_id: the scenario key of the battalion.
        name: its full name.
        side: the side id.
        unit_type: its type.
        strength: men at arrival.
        quality: troop quality (QJM morale grade).
        winter_equipment: share of a full cold-weather kit, 0-1.
        oversnow_gear: whether it has skis or snowshoes.
        cell: the grid cell where it enters.
        armament: the lethality of its weapons (:mod:`sim.weapons`); None in a scenario that
            lists no weapons, where its power is its men.
    """

    def __init__(self, model, battalion_id: str, name: str, side: str, unit_type: UnitType,
                 strength: int, quality: Quality, winter_equipment: float, oversnow_gear: bool,
                 cell, armament: Armament | None = None):
        super().__init__(model)
        self.battalion_id = battalion_id
        self.name = name
        self.side = side
        self.unit_type = unit_type
        self.strength = int(strength)
        self.joined = int(strength)
        self.quality = quality
        self.winter_equipment = winter_equipment
        self.oversnow_gear = oversnow_gear
        self.armament = armament
        self.losses = dict.fromkeys(LOSS_CAUSES, 0)
        self._state = check_transition(None, UnitState.HOLDING, battalion_id)
        self.task: Task | None = None
        self.objective_cell: tuple[int, int] | None = None
        self.leg_hours_done = 0.0
        self.km_marched = 0.0
        self.cell = cell
        self.track: list[tuple[int, int]] = [cell.coordinate]
        self.fatigue_days = 0.0
        p = model.spec.parameters
        self.supply_days = p.supply.carried_days
        self.supply_path = True
        self.encircled = False
        self.ever_encircled = False
        self.lost_in_pocket = False  # destroyed or surrendered while encircled
        self.cut_since: float | None = None
        self.ring_open_since: float | None = None  # when the ring round it last opened
        self.ammunition_days = p.combat.ammunition_days
        self.targets_this_step = 0
        self.combat_days = 0.0
        self.first_contact_step: float | None = None
        self.surprised = False
        self.held_since = model.time
        self.orders = Orders.TASK
        self.pocket_target: str | None = None  # the enemy pocket it attacks (Orders.REDUCING)
        self.surprise: tuple[str, float] | None = None  # planned level, steps it lasts
        self.surprise_until: float | None = None  # set at the attack's first contact
        self.stalled_since: float | None = None
        self.broken_since: float | None = None
        self.out_of_contact_since = model.time
        self.breakpoint = draw_breakpoint(model.rng, p.morale)
        self.loss_offset = 0
        self.march_hours_step = 0.0
        self.hours_in_wind_step = 0.0  # halted in the open this step (sim.winter)
        self.hours_unheated_step = 0.0  # halted out of the wind but without heat
        self.moved_in_zoc = False
        self.escape: list[tuple[int, int]] = []  # a way round the enemy when falling back
        self.trapped_since: float | None = None  # when it last found no way out
        self.escape_searched_at: float | None = None
        self.step_cells: list[tuple[int, int]] = [cell.coordinate]
        self.temperature_c = float("nan")
        self.wind_ms = float("nan")
        self.snow_depth_m = 0.0
        self.heat_debt_j_m2 = 0.0  # the men's heat debt (sim.hypothermia)
        self.worst_heat_debt_j_m2 = 0.0  # the deepest so far: those it would kill are dead
        self.shivering_hours = 0.0  # hours into the fading of their shivering
        self.has_trains = True  # its vehicles: tents, stoves, fuel, stocks and spare kit
        self.care = CasualtyCare()  # its wounded and cold-injured not yet at an aid post
        self.dead_unevacuated = 0  # of them, died waiting or left behind

    # ------------------------------------------------------------------ properties

    @property
    def state(self) -> UnitState:
        """What the battalion is doing (:mod:`sim.states`)."""
        return self._state

    def become(self, new: UnitState, cause: str) -> None:
        """Change state for ``cause``, as :mod:`sim.states` allows.

        A change is logged as a ``state`` event (cause: "old -> new: why").
        """
        old = self._state
        self._state = check_transition(old, new, self.battalion_id)
        if new != old:
            self.model.log_event("state", unit=self.battalion_id,
                                 cause=f"{old.value} -> {new.value}: {cause}",
                                 place=self.model.place_name(self.coordinate))

    @property
    def coordinate(self) -> tuple[int, int]:
        """The grid cell (x, y) the battalion stands on."""
        return self.cell.coordinate

    @property
    def x(self) -> int:
        """Grid column (west to east)."""
        return self.cell.coordinate[0]

    @property
    def y(self) -> int:
        """Grid row (south to north)."""
        return self.cell.coordinate[1]

    @property
    def status(self) -> str:
        """The state's name, for the record."""
        return self.state.value

    @property
    def in_care(self) -> int:
        """Wounded and cold-injured men in its care, waiting to be evacuated."""
        return self.care.waiting

    @property
    def graph(self):
        """The march graph for this battalion's type of movement."""
        kind = "road_bound" if self.unit_type.road_bound else "foot"
        return self.model.graphs[(self.side, kind)]

    @property
    def at_objective(self) -> bool:
        """Whether the battalion stands on its objective (or has none)."""
        return self.objective_cell is None or self.coordinate == self.objective_cell

    @property
    def in_field(self) -> bool:
        """Whether the battalion still exists as a unit."""
        return self.state != UnitState.DESTROYED and self.strength > 0

    @property
    def surprise_level(self) -> str | None:
        """The planned surprise in force for this battalion's attack, if any.

        It holds until the attack first meets the enemy and for its planned hours from then.
        """
        if self.surprise is None or (self.surprise_until is not None
                                     and self.model.time > self.surprise_until):
            return None
        return self.surprise[0]

    @property
    def supplied(self) -> bool:
        """Whether the battalion has food, fuel and ammunition left."""
        return self.supply_days > 0

    @property
    def withdrawing(self) -> bool:
        """Whether it is falling back out of the fight (a breakout or the general withdrawal)."""
        return self.orders == Orders.WITHDRAWING

    @property
    def resupplying(self) -> bool:
        """Whether it has pulled back to restock, its task waiting."""
        return self.orders == Orders.RESUPPLYING

    @property
    def reducing(self) -> bool:
        """Whether it is attacking an enemy pocket near its objective, its task waiting."""
        return self.orders == Orders.REDUCING

    def _order(self, orders: Orders) -> None:
        self.orders = check_orders(self.orders, orders, self.battalion_id)
        if orders != Orders.REDUCING:
            self.pocket_target = None

    @property
    def broken(self) -> bool:
        """Whether the battalion has broken and is falling back."""
        return self.state == UnitState.BROKEN

    def holds_ground(self, retreat_column_zoc: bool = False) -> bool:
        """Whether the battalion exerts a zone of control.

        A unit deployed for battle does; a broken battalion, a road-bound one (guns, trains)
        and, unless ``retreat_column_zoc``, a column marching back under a withdrawal order do
        not (``parameters.supply.retreat_column_zoc``).
        """
        if not self.in_field or self.broken or self.unit_type.road_bound:
            return False
        return retreat_column_zoc or not (self.withdrawing and self.state == UnitState.MARCHING)

    @property
    def loss_share(self) -> float:
        """Share of the men who joined that are lost (all causes), since the last rally."""
        return max(0, self.joined - self.strength - self.loss_offset) / max(self.joined, 1)

    @property
    def held_hours(self) -> float:
        """Hours since the battalion last stopped to hold where it stands."""
        return (self.model.time - self.held_since) * self.model.spec.step_hours

    @property
    def dug_in(self) -> bool:
        """Whether it has held its position long enough to prepare it (a prepared defence)."""
        return self.state == UnitState.HOLDING and (
            self.held_hours >= self.model.spec.parameters.combat.prepared_after_hours)

    @property
    def spent(self) -> bool:
        """Whether it has lost too many of the men who joined to be sent into an attack again."""
        share = (self.joined - self.strength) / max(self.joined, 1)
        return share >= self.model.spec.parameters.morale.ineffective_loss_share

    @property
    def in_pocket(self) -> bool:
        """Encircled now, or destroyed or surrendered while encircled."""
        return (self.in_field and self.encircled) or self.lost_in_pocket

    @property
    def dead(self) -> int:
        """Men dead of any cause."""
        return sum(self.losses[c] for c in DEATH_CAUSES)

    @property
    def sheltered(self) -> bool:
        """Whether the battalion stands in a village or town (under a roof at rest)."""
        return self.cell.coordinate in self.model.world.terrain.urban_cells

    @property
    def posture(self) -> Posture:
        """The posture of the current task (defend when there is none)."""
        return self.task.posture if self.task else Posture.DEFEND

    # ------------------------------------------------------------------ behaviour

    def receive_task(self, task: Task) -> None:
        """Take a new task from the side's plan.

        A broken battalion takes it once rallied, one pulled back to restock once restocked.
        """
        self.task = task
        if self.reducing:
            self._order(Orders.TASK)  # a new task ends an attack on a pocket
        if self.broken or self.resupplying:
            return
        self.objective_cell = (self.model.guard_post(self) if task.secure_to
                               else self.model.world.places[task.objective])
        self.escape = []
        self.leg_hours_done = 0.0
        self.become(UnitState.HOLDING if self.at_objective else UnitState.MARCHING,
                    f"task {task.objective}")

    def follow_the_threat(self) -> None:
        """A battalion securing a road moves along it to where the enemy comes nearest."""
        if (self.task is None or self.task.secure_to is None or self.broken or self.withdrawing
                or self.encircled or self.resupplying):
            return
        post = self.model.guard_post(self)
        terrain = self.model.world.terrain
        if terrain.distance_km(post, self.objective_cell) > (
                self.model.spec.parameters.supply.road_guard_shift_km):
            self.objective_cell = post
            self.leg_hours_done = 0.0
            if not self.at_objective:
                self.become(UnitState.MARCHING, "following the threat along the road")

    def fall_back(self, place: str, state: UnitState | None = None) -> None:
        """Leave the current task and march to a place (retreat, breakout, withdrawal).

        Cut off by the enemy from its side's roads, it leaves its vehicles behind: they
        cannot go where it goes.
        """
        if self.has_trains and self.cut_since is not None:
            self.lose_trains("cut off from its roads")
        self.objective_cell = self.model.world.places[place]
        self.escape = []
        self.leg_hours_done = 0.0
        if state == UnitState.BROKEN:
            self.become(UnitState.BROKEN, f"falling back to {place}")
        else:
            self.become(UnitState.HOLDING if self.at_objective else UnitState.MARCHING,
                        f"falling back to {place}")

    def rally(self) -> None:
        """A broken battalion recovers: it counts new losses against a new, lower breakpoint.

        The breakpoint is drawn afresh, as for any new engagement (CDB90's losses are per
        battle), and lowered by ``rallied_breakpoint_factor``.
        """
        p = self.model.spec.parameters.morale
        self.loss_offset = self.joined - self.strength
        self.breakpoint = draw_breakpoint(self.model.rng, p) * p.rallied_breakpoint_factor
        self.broken_since = None
        self.become(UnitState.HOLDING, "rallied")
        self.held_since = self.model.time
        self.escape = []
        if self.withdrawing:
            goal = rear_place(self.model, self)  # the withdrawal goes on to the exits
            if goal is not None:
                self.fall_back(goal)
            return
        if self.task is None:
            return
        lost_ground = self.model.control.owner.get(self.task.objective) not in (None, self.side)
        if self.spent or (self.task.posture != Posture.ATTACK and lost_ground):
            self.objective_cell = self.coordinate  # no longer fit to attack, or post lost: hold
        else:
            self.receive_task(self.task)

    def abandon_heavy_equipment(self) -> None:
        """Guns or vehicles that cannot get out are left behind.

        The crews go on foot with their personal and portable weapons.
        """
        self.unit_type = UnitType.INFANTRY
        self.quality = Quality.POOR
        if self.armament is not None:
            self.armament = replace(self.armament, armour=0.0, indirect=0.0, reach_km=0.0)
        self.model.log_event("equipment_abandoned", unit=self.battalion_id,
                             cause="no road out for the guns",
                             place=self.model.place_name(self.coordinate))
        if self.has_trains:
            self.lose_trains("no road out for the guns")

    def lose_trains(self, cause: str) -> None:
        """Its vehicles are left behind, and with them its shelter, stocks and spare kit.

        No more tents and stoves (it is warm at a halt only under a roof or by a wood fire),
        no more stocks than the men carry (``supply.on_man_days``), and the kit the vehicles
        carried is gone (``cold.kit_in_trains_share``).
        """
        p = self.model.spec.parameters
        self.has_trains = False
        self.winter_equipment *= 1.0 - p.cold.kit_in_trains_share
        self.supply_days = min(self.supply_days, p.supply.on_man_days)
        self.model.log_event("trains_abandoned", unit=self.battalion_id, cause=cause,
                             place=self.model.place_name(self.coordinate))

    def lose(self, cause: str, men: int) -> int:
        """Remove up to ``men`` from the ranks for a cause; returns how many were removed."""
        men = max(0, min(int(men), self.strength))
        self.strength -= men
        self.losses[cause] += men
        if cause in CARE_CAUSES and men:
            self.care.admit(cause, men)
        if self.strength == 0 and self.state != UnitState.DESTROYED:
            self.lost_in_pocket = self.encircled
            self.become(UnitState.DESTROYED, cause)
            self.model.log_event("destroyed", unit=self.battalion_id, cause=cause,
                                 place=self.model.place_name(self.coordinate))
        return men

    def casualties_evacuated(self, walking: dict[str, int], carried: dict[str, int],
                             cold_dead: int) -> None:
        """Casualties reach an aid post; ``cold_dead`` of the cold-injured die there."""
        for cause in CARE_CAUSES:
            self.care.walking[cause] -= walking[cause]
            self.care.litter[cause] -= carried[cause]
        self._reclassify("cold_injured", "cold_dead", cold_dead)

    def casualties_died(self, cause: str, walking: int, litter: int) -> None:
        """Casualties of ``cause`` in the battalion's care die untreated."""
        self.care.walking[cause] -= walking
        self.care.litter[cause] -= litter
        self._reclassify(cause, DEATH_OF[cause], walking + litter)
        self.dead_unevacuated += walking + litter

    def casualties_left(self, walking: dict[str, int], litter: dict[str, int],
                        dead: dict[str, int]) -> None:
        """Casualties are left behind: ``dead`` of them die, the rest are missing."""
        for cause in CARE_CAUSES:
            self.care.walking[cause] -= walking[cause]
            self.care.litter[cause] -= litter[cause]
            self._reclassify(cause, DEATH_OF[cause], dead[cause])
            self._reclassify(cause, "missing", walking[cause] + litter[cause] - dead[cause])
            self.dead_unevacuated += dead[cause]

    def carry_litters(self, carrying: bool) -> None:
        """Whether the battalion marches at a litter team's pace."""
        self.care.carrying_litters = carrying

    def _reclassify(self, cause: str, new_cause: str, men: int) -> None:
        """Men already lost for ``cause`` count under ``new_cause`` (they died, or went missing)."""
        self.losses[cause] -= men
        self.losses[new_cause] += men

    def start_step(self) -> None:
        """Reset what the battalion records about the current step."""
        self.march_hours_step = 0.0
        self.hours_in_wind_step = 0.0
        self.hours_unheated_step = 0.0
        self.step_cells = [self.coordinate]
        self.moved_in_zoc = False

    def march(self, hours: float, night: bool = False) -> float:
        """March towards the objective for up to ``hours`` hours; returns the hours marched.

        Each leg to a neighbouring cell takes its bare-ground time (:func:`sim.movement.
        leg_time_h`) divided by the ground factor of the cell entered (snow, storm, fog: the
        model's :meth:`ground_factors` at that cell); time left over at the end is banked
        towards the next leg.
        """
        if self.state == UnitState.DESTROYED or hours <= 0:
            return 0.0
        if self.at_objective:
            if self.state in (UnitState.MARCHING, UnitState.BLOCKED):
                self.become(UnitState.HOLDING, "on its objective")
            return 0.0
        budget = hours + self.leg_hours_done
        while not self.at_objective:
            target = self._next_cell()
            if target is None:
                return self._halt(UnitState.BLOCKED, hours, budget, "no way on")
            graph = self.graph
            k = graph.leg_id(self.coordinate, target)
            if k < 0 or not np.isfinite(graph.hours[k]):
                return self._halt(UnitState.BLOCKED, hours, budget, "no way on")
            stop_after = False
            if self.model.enemy_holds(self.side, target):
                return self._halt(UnitState.MARCHING, hours, budget, "the enemy bars the way")
            if self.encircled and self.model.ring_bars(self.side, self.coordinate, target):
                # The ring holds: an encircled battalion gets out only where the enemy's zone
                # gives way (the battalion holding it breaks or leaves), where it can fall back
                # out of a lone battalion's zone, or where its own side's battalions reach it;
                # until then it fights the ring where it stands.
                if self.trapped_since is None:
                    self.trapped_since = self.model.time
                return self._halt(UnitState.MARCHING, hours, budget, "the ring holds")
            if self.model.in_enemy_zoc(self.side, target):
                if self.model.in_enemy_zoc(self.side, self.coordinate) and self.moved_in_zoc:
                    return self._halt(UnitState.MARCHING, hours, budget,
                                      "in the enemy's zone of control")
                stop_after = True
            off_road, on_road = self.model.ground_factors(self.oversnow_gear, target)
            factor = float(on_road if graph.on_road(k) else off_road)
            if self.care.carrying_litters:
                factor *= self.model.spec.parameters.evacuation.litter_pace_share
            if night:
                need = float(leg_time_h(*graph.leg(k), True, 0.0,
                                        self.model.spec.parameters.movement)) / factor
            else:
                need = float(graph.day_hours[k]) / factor
            if self.model.enemy_ground(self.side, target):
                weather = self.model.advance_weather_factor(target)
                level = self.surprise_level
                if level is not None:
                    weather *= self.model.spec.parameters.combat.surprise_mobility[level]
                need = max(need, float(self.model.advance_hours[k]) / weather)
            if budget < need:
                self.leg_hours_done = budget
                if not self.broken:
                    self.become(UnitState.MARCHING, "on the march")
                self.march_hours_step += hours
                return hours
            budget -= need
            if self.escape:
                self.escape.pop(0)
            self.trapped_since = None
            self.cell = self.model.grid[target]
            self.track.append(target)
            self.step_cells.append(target)
            self.km_marched += float(graph.leg(k)[0])
            if stop_after:
                self.moved_in_zoc = True
                if not self.at_objective:
                    return self._halt(UnitState.MARCHING, hours, budget,
                                      "in the enemy's zone of control")
        return self._halt(UnitState.HOLDING, hours, budget, "on its objective")

    def _next_cell(self) -> tuple[int, int] | None:
        """The next cell on the way to the objective; None if there is no way.

        A battalion falling back (broken or withdrawing) whose way is barred by an enemy
        battalion (or, encircled, by the ring's zone of control), or that has no way at all,
        looks for a way round the enemy
        (:func:`sim.morale.escape_route`); road-bound troops with no road out
        leave their vehicles and guns first. With no way round it is trapped.
        """
        model = self.model
        if self.escape:
            if not self._barred(self.escape[0]):
                return self.escape[0]
            self.escape = []
        graph = self.graph
        _, next_cell = graph.field_to(self.objective_cell, start=self.coordinate)
        nxt = int(next_cell[graph.flat(self.coordinate)])
        target = None if nxt == NO_PATH else graph.cell(nxt)
        if not (self.broken or self.withdrawing) or (
                target is not None and not self._barred(target)):
            return target
        if self.escape_searched_at == model.time:
            return None  # no way round was found this step
        if target is None and self.unit_type.road_bound:
            self.abandon_heavy_equipment()
        self.escape = escape_route(model, self)
        if self.escape:
            self.objective_cell = self.escape[-1]
        self.escape_searched_at = model.time
        if not self.escape:
            if self.trapped_since is None:
                self.trapped_since = model.time
            return None
        return self.escape[0]

    def _barred(self, cell) -> bool:
        """Whether the enemy bars a cell to this battalion.

        An enemy battalion stands there or, for an encircled battalion, the ring's zones of
        control bar the step to it from where the battalion stands.
        """
        return self.model.enemy_holds(self.side, cell) or (
            self.encircled and self.model.ring_bars(self.side, self.coordinate, cell))

    def _halt(self, state: UnitState, hours: float, budget_left: float, cause: str) -> float:
        used = max(0.0, hours - budget_left)
        self.leg_hours_done = 0.0
        if not self.broken:
            self.become(state, cause)
            if state == UnitState.HOLDING:
                self.held_since = self.model.time
        self.march_hours_step += used
        return used

    # ------------------------------------------------------------------ what happens to it
    # The mechanisms (supply, pockets, combat, morale, orders, winter) change a battalion only
    # through these verbs; nothing outside this class writes its fields.

    def restock(self, on_path: bool, stock_days: float, refill_days: float, step_days: float,
                ammunition_days: float) -> None:
        """The step's supply: refilled on a supply path, spent off it, capped at ``stock_days``.

        Without its vehicles it keeps no more than its men carry.
        """
        if not self.has_trains:
            stock_days = min(stock_days, self.model.spec.parameters.supply.on_man_days)
        self.supply_path = on_path
        if on_path:
            self.supply_days += refill_days
            self.ammunition_days = ammunition_days
        self.supply_days = min(self.supply_days, stock_days)
        self.supply_days = max(0.0, self.supply_days - step_days)

    def note_cut(self) -> float:
        """Off its supply and cut off this step; returns the hours it has been cut off."""
        if self.cut_since is None:
            self.cut_since = self.model.time
        self.ring_open_since = None
        return (self.model.time - self.cut_since) * self.model.spec.step_hours

    def note_ring_open(self) -> float:
        """Encircled, the ring round it is open this step; returns the hours it has been open."""
        if self.ring_open_since is None:
            self.ring_open_since = self.model.time
        return (self.model.time - self.ring_open_since) * self.model.spec.step_hours

    def link_up(self) -> None:
        """It is in touch with its lines again: no longer cut off or encircled."""
        self.encircled, self.cut_since, self.ring_open_since = False, None, None

    def encircle(self) -> None:
        """The enemy has closed the ring round it."""
        self.encircled = True
        self.ever_encircled = True

    def withdraw(self, goal: str | None = None, keep_state: bool = False) -> None:
        """Fall back out of the fight towards ``goal`` (breakout, general withdrawal).

        With no goal it only joins the withdrawal (holding the exit it arrives at). The order
        overrides a pause to restock.
        """
        self._order(Orders.WITHDRAWING)
        if goal is not None:
            self.fall_back(goal, state=self.state if keep_state else None)

    def attack_pocket(self, enemy) -> None:
        """Leave its objective to attack an encircled enemy battalion (reduce the pocket).

        Its task waits; it follows the pocket where it goes.
        """
        self._order(Orders.REDUCING)
        self.pocket_target = enemy.battalion_id
        self.follow_pocket(enemy)

    def follow_pocket(self, enemy) -> None:
        """March on the pocket it attacks, where the encircled battalion now stands."""
        if self.objective_cell == enemy.coordinate or self.stalled_since is not None:
            return
        self.objective_cell = enemy.coordinate
        self.escape = []
        self.leg_hours_done = 0.0
        self.become(UnitState.HOLDING if self.at_objective else UnitState.MARCHING,
                    f"attacking the pocket of {enemy.battalion_id}")

    def end_pocket_attack(self) -> None:
        """The pocket is gone (or out of its reach): it goes back to its task."""
        self._order(Orders.TASK)
        self.receive_task(self.task)

    def fall_back_for_supply(self, base: str) -> None:
        """Out of supplies off its supply path: it pulls back to restock at ``base``."""
        self._order(Orders.RESUPPLYING)
        self.fall_back(base)

    def end_supply_pause(self, resume: bool) -> None:
        """The pause to restock ends: with ``resume`` it takes up its task again."""
        self._order(Orders.TASK)
        if resume:
            self.receive_task(self.task)

    def plan_surprise(self, level: str | None, steps: float) -> None:
        """The surprise its commander planned for the attack, in force ``steps`` from contact."""
        self.surprise = None if level is None else (level, steps)
        self.surprise_until = None

    def meet_enemy(self) -> None:
        """The step of its first contact (the QJM minor surprise on a defender)."""
        if self.first_contact_step is None:
            self.first_contact_step = self.model.time

    def note_surprised(self, surprised: bool) -> None:
        """Whether it was caught by surprise in this step's combat (lowers its breakpoint)."""
        self.surprised = surprised

    def aim_at(self, targets: int) -> None:
        """The engagements its guns can reach this step."""
        self.targets_this_step = targets

    def after_combat(self, in_contact: bool, attacking: bool, step_days: float) -> None:
        """Days in combat, the quiet since its last contact, the planned surprise, ammunition."""
        if in_contact:
            self.combat_days += step_days
            self.out_of_contact_since = None
            if self.surprise is not None and self.surprise_until is None and attacking:
                self.surprise_until = self.model.time + self.surprise[1]  # sprung at contact
        else:
            self.combat_days = max(0.0, self.combat_days - step_days)
            if self.out_of_contact_since is None:
                self.out_of_contact_since = self.model.time
        if self.targets_this_step and not self.supply_path:
            self.ammunition_days = max(0.0, self.ammunition_days - step_days)

    def weigh_breakpoint(self, p) -> float:
        """Its breakpoint in this step's circumstances; a surprise it felt is spent by it."""
        threshold = effective_breakpoint(self.breakpoint, self.quality.value, self.encircled,
                                         self.supplied, self.surprised, p)
        self.surprised = False
        return threshold

    def renew_attack(self) -> bool:
        """A called-off attack is renewed (a new engagement) unless it is spent.

        Returns whether it attacks again.
        """
        self.stalled_since = None
        if self.spent:
            return False
        self.breakpoint = draw_breakpoint(self.model.rng, self.model.spec.parameters.morale)
        self.receive_task(self.task)
        return True

    def call_off_attack(self) -> None:
        """A failed attack is called off: it goes over to the defence where it stands."""
        self.stalled_since = self.model.time
        self.loss_offset = self.joined - self.strength
        self.objective_cell = self.coordinate
        self.become(UnitState.HOLDING, "attack called off")
        self.held_since = self.model.time

    def break_(self, goal: str | None) -> None:
        """Its breakpoint is reached: it breaks and flees towards ``goal`` (if it has one)."""
        self.broken_since = self.model.time
        if goal is not None:
            self.fall_back(goal, state=UnitState.BROKEN)
        else:
            self.become(UnitState.BROKEN, "breakpoint reached, no way back")

    def feel_weather(self, temperature_c: float, wind_ms: float, snow_depth_m: float) -> None:
        """The weather where it stands at the end of the step, for the record."""
        self.temperature_c, self.wind_ms, self.snow_depth_m = temperature_c, wind_ms, snow_depth_m

    def endure_cold(self, heat_debt_j_m2: float, worst_heat_debt_j_m2: float,
                    shivering_hours: float, hours_in_wind: float = 0.0,
                    hours_unheated: float = 0.0) -> None:
        """The men's heat debt, the deepest it has been and how long they have shivered.

        Also, for the record, the step's hours halted out in the wind and halted out of it but
        without heat (no roof, stove or wood fire).
        """
        self.heat_debt_j_m2 = heat_debt_j_m2
        self.worst_heat_debt_j_m2 = worst_heat_debt_j_m2
        self.shivering_hours = shivering_hours
        self.hours_in_wind_step = hours_in_wind
        self.hours_unheated_step = hours_unheated

    # ------------------------------------------------------------------ winter

    def tire_or_recover(self, step_hours: float) -> None:
        """Fatigue builds with marching and eases with rest, faster under a roof."""
        days = step_hours / 24.0
        if self.march_hours_step > 0:
            self.fatigue_days += days
        else:
            p = self.model.spec.parameters.cold
            rate = p.fatigue_recovery_sheltered if self.sheltered else p.fatigue_recovery_open
            self.fatigue_days = max(0.0, self.fatigue_days - rate * days)


class Depot(FixedAgent):
    """A supply depot of a side at a named place."""

    def __init__(self, model, depot_id: str, side: str, place: str, cell):
        super().__init__(model)
        self.depot_id = depot_id
        self.side = side
        self.place = place
        self.cell = cell

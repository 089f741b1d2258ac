"""Scenario files: TOML in, a validated :class:`Scenario` out, or one clear error.

A scenario holds the theatre (terrain file, extent, cell size), the named places, the road
network, the sides and their plans, the battalions and their equipment, the weapons and
vehicles with their characteristics, the depots, the clock (start date, step length, duration)
and any parameter overrides. A file may ``extends = "base.toml"`` another (or a list of them,
merged in order) and give only what changes; tables merge key by key, lists are replaced
whole.

Every problem is reported as :class:`ScenarioError`, naming the file, the key, the value and
what was expected; the command line prints it without a traceback.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from enum import StrEnum
from pathlib import Path
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ScenarioError, read_text_file
from .parameters import ELEVATION_M, Parameters
from .record import check_record


class Strict(BaseModel):
    """Base for scenario tables: unknown keys are errors, and numbers are finite."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


# Bounds a campaign can have, checked before anything runs.
EARLIEST_DATE = dt.date(1700, 1, 1)  # the model's weapons and march rates are of the gun age
LATEST_DATE = dt.date(2200, 12, 31)
MOST_MEN = 20_000  # a battalion of 300-1,000 men; room for a brigade-sized grouping
OFFSET_C = {"ge": -50.0, "le": 50.0}  # a what-if shift of the air temperature


class PlaceKind(StrEnum):
    """What a named place is; towns and villages shelter troops."""

    TOWN = "town"
    VILLAGE = "village"
    PASS = "pass"
    PEAK = "peak"
    JUNCTION = "junction"
    POSITION = "position"


class RoadClass(StrEnum):
    """Road classes of the network.

    Paved roads and tracks carry supply and vehicles; paths (mule and foot paths over passes)
    carry only men on foot.
    """

    PAVED = "paved"
    TRACK = "track"
    PATH = "path"

    @property
    def carries_supply(self) -> bool:
        """Whether supply columns and towed guns can use it."""
        return self != RoadClass.PATH


class UnitType(StrEnum):
    """Battalion types."""

    MOTOR_RIFLE = "motor_rifle"
    INFANTRY = "infantry"
    ENGINEER = "engineer"
    TANK = "tank"
    ARTILLERY = "artillery"
    ROCKET_ARTILLERY = "rocket_artillery"

    @property
    def road_bound(self) -> bool:
        """Towed guns, rocket launchers and tanks keep to roads in the mountains."""
        return self in (UnitType.ARTILLERY, UnitType.ROCKET_ARTILLERY, UnitType.TANK)


class Quality(StrEnum):
    """Troop quality, graded as Dupuy's QJM morale factor (``combat_science.md`` §2.2)."""

    POOR = "poor"
    FAIR = "fair"
    GOOD = "good"
    EXCELLENT = "excellent"


class Posture(StrEnum):
    """What a task asks of a battalion at its objective."""

    ATTACK = "attack"
    DEFEND = "defend"
    MOVE = "move"


class Extent(Strict):
    """The theatre's box in degrees."""

    north: float = Field(ge=-90, le=90)
    south: float = Field(ge=-90, le=90)
    west: float = Field(ge=-180, le=180)
    east: float = Field(ge=-180, le=180)

    @model_validator(mode="after")
    def _ordered(self):
        if not (self.north > self.south and self.east > self.west):
            raise ValueError("expected north > south and east > west")
        return self


class Theatre(Strict):
    """Terrain file, extent and grid."""

    terrain_file: Path
    extent: Extent
    cell_size_m: float = Field(1000.0, ge=100, le=10000)
    crs: str | None = None


class Place(Strict):
    """A named place at its coordinates, with the source of those coordinates."""

    name: str
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    kind: PlaceKind
    elevation_m: float | None = Field(None, **ELEVATION_M)
    source: str
    verified: bool = True
    note: str = ""


class Road(Strict):
    """A road or track through a sequence of named places.

    ``road_class`` applies to every segment unless ``segment_classes`` gives one class per
    segment (one fewer than the nodes).
    """

    name: str
    road_class: RoadClass
    nodes: list[str] = Field(min_length=2)
    segment_classes: list[RoadClass] | None = None
    source: str = ""
    note: str = ""

    @model_validator(mode="after")
    def _one_class_per_segment(self):
        if self.segment_classes is not None and len(self.segment_classes) != len(self.nodes) - 1:
            raise ValueError(f"segment_classes has {len(self.segment_classes)} entries; expected "
                             f"{len(self.nodes) - 1}, one per segment between the nodes")
        return self

    def segments(self) -> list[tuple[str, str, RoadClass]]:
        """(from, to, class) for each segment."""
        classes = self.segment_classes or [self.road_class] * (len(self.nodes) - 1)
        return [(u, v, c) for u, v, c in zip(self.nodes, self.nodes[1:], classes)]


class Task(Strict):
    """An order to one battalion: go to a place and take up a posture there.

    With ``secure_to`` (defend only) the battalion secures the road from ``objective`` to that
    place: it stands on the stretch where the enemy comes nearest, and moves along it as the
    threat moves (:meth:`sim.model.OperationModel.guard_post`).
    """

    objective: str
    posture: Posture = Posture.ATTACK
    secure_to: str | None = None


class NearCondition(Strict):
    """A condition: an enemy battalion within some kilometres of a place."""

    place: str
    km: float = Field(gt=0)


class Phase(Strict):
    """A phase of a side's plan: its orders and when they are given.

    ``start`` is the earliest date the order is issued (a commander's decision). ``after``
    names an earlier phase whose objectives must all be reached first; ``when_enemy_near``
    waits for an enemy battalion near a place. The orders go out when every condition given
    holds; a phase with none starts at once. ``enabled = false`` cancels a phase (what-ifs).
    ``surprise`` is the surprise the commander planned for (QJM levels), in force for the first
    ``surprise_hours`` of the phase's attacks (from each battalion's first contact).
    """

    name: str
    enabled: bool = True
    start: dt.date | None = None
    after: str | None = None
    when_enemy_near: NearCondition | None = None
    surprise: Literal["none", "minor", "substantial", "complete"] = "none"
    surprise_hours: float = Field(24.0, ge=0)
    tasks: dict[str, Task] = Field(default_factory=dict)

    @field_validator("tasks", mode="before")
    @classmethod
    def _place_shorthand(cls, value):
        if isinstance(value, dict):
            return {k: ({"objective": v} if isinstance(v, str) else v) for k, v in value.items()}
        return value


class Reinforcement(Strict):
    """Battalions that enter the theatre at a place on a date (a commander's decision).

    ``enabled = false`` cancels the arrival (what-ifs): its battalions never enter.
    """

    battalions: list[str] = Field(min_length=1)
    enabled: bool = True
    arrives: dt.date
    at: str
    source: str = ""


class Withdrawal(Strict):
    """When a side's commander orders a general withdrawal, and where to.

    The order is given when the share of the side's battalions in the field that are encircled
    or have run out of supplies reaches ``when_cut_off_share`` and stays there for
    ``cut_off_hours`` (a supply crisis, not a day's interruption), or when the men still in the
    ranks fall below ``when_strength_below`` of all who joined, or when the enemy retakes any of the
    ``when_lost`` places after the side had taken them; it reaches the battalions
    ``order_delay_hours`` later. Each battalion then withdraws to the nearest of the ``to`` places.
    """

    to: list[str] = Field(min_length=1)
    when_lost: list[str] = Field(default_factory=list)
    when_road_cut: list[str] = Field(default_factory=list)
    road_cut_hours: float = Field(24.0, ge=0)
    when_cut_off_share: float = Field(0.5, gt=0, le=1)
    cut_off_hours: float = Field(0.0, ge=0)
    when_strength_below: float = Field(0.5, ge=0, le=1)
    order_delay_hours: float = Field(24.0, ge=0)
    not_before: dt.date | None = None


class Plan(Strict):
    """A side's plan: phases of orders, reinforcements with their arrival dates, withdrawal.

    ``reduce_pockets_km`` is how far from its objective a battalion that holds its attack
    objective is sent against an encircled enemy battalion
    (:func:`sim.encirclement.reduce_pockets`); 0, the default, sends none.
    """

    phases: list[Phase] = Field(default_factory=list)
    reinforcements: list[Reinforcement] = Field(default_factory=list)
    withdrawal: Withdrawal | None = None
    reduce_pockets_km: float = Field(
        0.0, ge=0, le=200, description="km; a battalion holding its attack objective attacks "
        "encircled enemy battalions this near that objective (0: none)")


class Side(Strict):
    """A belligerent.

    ``holds`` are the places it holds at the start. With ``outposts_km`` the country within
    that distance of them is its ground, held by prepared positions: a front of small posts an
    attacker pushes through at the QJM opposed-advance pace until it takes the ground (0: no
    such front; the enemy then opposes an advance only where its battalions' zones reach).
    """

    name: str
    colour: str = "#444444"
    winter_equipment: float = Field(0.5, ge=0, le=1)
    quality: Quality = Quality.FAIR
    holds: list[str] = Field(default_factory=list)
    outposts_km: float = Field(0.0, ge=0, le=200)
    plan: Plan = Plan()


class Weapon(Strict):
    """A weapon's characteristics, as Dupuy's lethality index takes them (:mod:`sim.weapons`)."""

    name: str
    category: Literal["small_arms", "machine_gun", "antitank", "heavy_weapon", "mortar",
                      "artillery", "rocket_artillery"]
    kind: Literal["gun", "mortar", "rocket", "missile"] = "gun"
    fire: Literal["individual", "crew", "by_calibre"] = Field(
        description="how its rate of fire counts: an individual weapon's cyclic rate, a crew's "
        "practical rate, or Dupuy's table by calibre")
    rate_of_fire_per_min: float = Field(0.0, ge=0, le=10000)
    calibre_mm: float = Field(gt=0, le=1000)
    targets_per_strike: float = Field(0.0, ge=0, le=100000,
                                      description="0: Dupuy's table by calibre")
    incapacitating_effect: float = Field(1.0, gt=0, le=1)
    effective_range_m: float = Field(gt=0, le=100000)
    muzzle_velocity_m_s: float = Field(gt=0, le=3000)
    accuracy: float = Field(gt=0, le=1)
    reliability: float = Field(gt=0, le=1)
    barrels: int = Field(1, ge=1, le=100)
    charges: int = Field(0, ge=0, le=20)
    guidance: Literal["none", "command", "wire", "radar", "beam", "fire_and_forget"] = "none"
    self_propelled: Literal["no", "open", "enclosed"] = "no"
    source: str = ""


class Vehicle(Strict):
    """An armoured vehicle's characteristics, as Dupuy's lethality index takes them."""

    name: str
    kind: Literal["tank", "ifv", "apc"]
    weapons: list[str] = Field(min_length=1, description="weapon ids, the main weapon first")
    road_speed_kmh: float = Field(gt=0, le=200)
    radius_km: float = Field(gt=0, le=5000)
    weight_t: float = Field(gt=0, le=200)
    fire_control: float = Field(gt=0, le=1.5)
    main_rounds: float = Field(gt=0, le=100000)
    running_gear: Literal["tracked", "half_track", "wheeled"] = "tracked"
    amphibious: Literal["no", "snorkel", "amphibious"] = "no"
    source: str = ""


class Organisation(Strict):
    """Equipment per ``men`` men (a table of organisation and equipment).

    Scaled to each battalion's strength.
    """

    men: int = Field(100, gt=0, le=MOST_MEN)
    equipment: dict[str, float] = Field(min_length=1)
    source: str = ""


class Battalion(Strict):
    """A battalion: its side, type, strength and where it starts.

    ``winter_equipment`` (0-1, share of a full cold-weather kit) and ``quality`` default to the
    side's values. ``enabled = false`` leaves the battalion out of the run (what-ifs): it never
    enters, and the orders of the plan that name it are not given to anyone.
    """

    name: str
    side: str
    enabled: bool = True
    type: UnitType
    strength: int = Field(ge=0, le=MOST_MEN)
    start: str
    quality: Quality | None = None
    winter_equipment: float | None = Field(None, ge=0, le=1)
    oversnow_gear: bool = False
    equipment: dict[str, float] | str | None = Field(
        None, description="weapons and vehicles it has (id -> number), or the id of an "
        "organisation scaled to its strength")
    note: str = ""


class Depot(Strict):
    """A supply depot of a side at a named place; ``enabled = false`` leaves it out (what-ifs)."""

    side: str
    enabled: bool = True
    place: str
    note: str = ""


class WeatherForcing(Strict):
    """Recorded weather imposed on some days (inclusive), replacing what the generator draws.

    Forcing is an input of the scenario, not a result; ``weather.forcing_enabled = false``
    switches every entry off.
    """

    start: dt.date
    end: dt.date
    precipitation_mm_per_day: float | None = Field(None, ge=0, le=2000)  # world record 1,825
    temperature_offset_c: float = Field(0.0, **OFFSET_C)
    wind_factor: float = Field(1.0, gt=0, le=10)
    source: str = ""

    @model_validator(mode="after")
    def _ordered(self):
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}; expected end >= start")
        return self


class WeatherSettings(Strict):
    """Weather switches and what-if knobs of a scenario."""

    enabled: bool = True
    cold_injury: bool = True
    avalanches: bool = True
    temperature_offset_c: float = Field(0.0, **OFFSET_C)
    snowfall_multiplier: float = Field(1.0, ge=0, le=20)
    forcing_enabled: bool = True
    forcing: list[WeatherForcing] = Field(default_factory=list)

    def active_forcing(self) -> list[WeatherForcing]:
        """Forcing entries in effect."""
        return self.forcing if self.forcing_enabled else []


class PhaseRef(Strict):
    """A phase of a side's plan, by the side and the phase's name; ``label`` names it for users."""

    side: str
    phase: str
    label: str = ""


class AppKnobs(Strict):
    """The knobs the interactive page (``app.py``) offers for this scenario.

    ``kit_side``: the side whose winter kit the kit slider sets; ``switchable_phase``: a phase
    the page can switch off (for the historical scenario, the counter-offensive).
    """

    kit_side: str | None = None
    kit_label: str = "winter kit"
    switchable_phase: PhaseRef | None = None


class Scenario(Strict):
    """A whole scenario, validated; see the module docstring."""

    name: str
    description: str = ""
    shifted_by_days: int = Field(0, ge=-3650, le=3650,
                                 description="set by shift_schedule_days when loading")
    start_date: dt.date = Field(ge=EARLIEST_DATE, le=LATEST_DATE)
    step_hours: float = Field(6.0, ge=1, le=24)  # a step shorter than an hour adds nothing
    duration_days: float = Field(gt=0, le=3650)
    theatre: Theatre
    places: dict[str, Place]
    roads: dict[str, Road] = Field(default_factory=dict)
    sides: dict[str, Side] = Field(min_length=1)
    battalions: dict[str, Battalion] = Field(min_length=1)
    depots: dict[str, Depot] = Field(default_factory=dict)
    weapons: dict[str, Weapon] = Field(default_factory=dict)
    vehicles: dict[str, Vehicle] = Field(default_factory=dict)
    organisations: dict[str, Organisation] = Field(default_factory=dict)
    weather: WeatherSettings = WeatherSettings()
    parameters: Parameters = Parameters()
    record: Path | None = None
    app: AppKnobs = AppKnobs()
    source_file: Path | None = Field(None, exclude=True)

    @field_validator("step_hours")
    @classmethod
    def _divides_day(cls, value: float) -> float:
        if abs(24 / value - round(24 / value)) > 1e-9:
            raise ValueError("expected a step that divides the day (1, 2, 3, 4, 6, 8, 12 or 24)")
        return value

    @property
    def steps(self) -> int:
        """Number of steps in the run."""
        return int(round(self.duration_days * 24 / self.step_hours))

    @property
    def end_date(self) -> dt.date:
        """The date the run ends."""
        return self.start_date + dt.timedelta(days=self.duration_days)

    def battalion_quality(self, battalion_id: str) -> Quality:
        """A battalion's quality, or its side's."""
        b = self.battalions[battalion_id]
        return b.quality or self.sides[b.side].quality

    def battalion_winter_equipment(self, battalion_id: str) -> float:
        """A battalion's winter equipment, or its side's."""
        b = self.battalions[battalion_id]
        if b.winter_equipment is not None:
            return b.winter_equipment
        return self.sides[b.side].winter_equipment

    def battalion_equipment(self, battalion_id: str) -> dict[str, float]:
        """What a battalion has (id -> number).

        Its own list, or its organisation's scaled to its strength; empty when the scenario
        lists no weapons.
        """
        b = self.battalions[battalion_id]
        if isinstance(b.equipment, str):
            org = self.organisations[b.equipment]
            return {item: n * b.strength / org.men for item, n in org.equipment.items()}
        return dict(b.equipment or {})

    def reinforcement_ids(self) -> set[str]:
        """Battalions that arrive later (or whose cancelled arrival keeps them away)."""
        return {b for side in self.sides.values() for r in side.plan.reinforcements
                for b in r.battalions}

    def starting_battalions(self) -> list[str]:
        """Battalions enabled and on the map at the start, in the scenario's order."""
        later = self.reinforcement_ids()
        return [bid for bid, b in self.battalions.items() if b.enabled and bid not in later]

    def arriving_battalions(self, reinforcement: Reinforcement) -> list[str]:
        """The enabled battalions of an arrival (none if the arrival is cancelled)."""
        if not reinforcement.enabled:
            return []
        return [bid for bid in reinforcement.battalions if self.battalions[bid].enabled]

    def active_depots(self, side: str) -> list[str]:
        """Places of a side's enabled depots."""
        return [d.place for d in self.depots.values() if d.side == side and d.enabled]

    @model_validator(mode="after")
    def _references(self):
        problems = []

        def need(container, key, where, what):
            if key not in container:
                known = ", ".join(sorted(container)) or "none"
                problems.append(f"{where} = {key!r}: expected one of the {what} ({known})")

        for road_id, road in self.roads.items():
            for i, node in enumerate(road.nodes):
                need(self.places, node, f"roads.{road_id}.nodes[{i}]", "places")
        arsenal = {**self.weapons, **self.vehicles}
        for vid, v in self.vehicles.items():
            for i, w in enumerate(v.weapons):
                need(self.weapons, w, f"vehicles.{vid}.weapons[{i}]", "weapons")
        for oid, org in self.organisations.items():
            for item, n in org.equipment.items():
                need(arsenal, item, f"organisations.{oid}.equipment", "weapons and vehicles")
                if not 0 <= n <= 100000:
                    problems.append(f"organisations.{oid}.equipment.{item} = {n}: expected a "
                                    "number from 0 to 100,000")
        for bid, b in self.battalions.items():
            need(self.sides, b.side, f"battalions.{bid}.side", "sides")
            need(self.places, b.start, f"battalions.{bid}.start", "places")
            if isinstance(b.equipment, str):
                need(self.organisations, b.equipment, f"battalions.{bid}.equipment",
                     "organisations")
            elif b.equipment:
                for item, n in b.equipment.items():
                    need(arsenal, item, f"battalions.{bid}.equipment", "weapons and vehicles")
                    if not 0 <= n <= 100000:
                        problems.append(f"battalions.{bid}.equipment.{item} = {n}: expected a "
                                        "number from 0 to 100,000")
            if self.weapons and b.enabled and not b.equipment:
                problems.append(f"battalions.{bid}.equipment: not given; expected what it "
                                "fights with (the scenario lists weapons, so every battalion "
                                "needs its equipment or an organisation)")
            elif (self.weapons and b.enabled and b.type in (UnitType.ARTILLERY,
                                                           UnitType.ROCKET_ARTILLERY)
                  and not problems and not any(
                      item in self.weapons and self.weapons[item].category in (
                          "artillery", "rocket_artillery")
                      for item in self.battalion_equipment(bid))):
                problems.append(f"battalions.{bid}.equipment: a battalion of type "
                                f"{b.type.value!r} with no artillery or rocket weapon; expected "
                                "its guns or launchers")
        arriving: dict[str, str] = {}  # battalion -> the reinforcement it arrives with
        for did, d in self.depots.items():
            need(self.sides, d.side, f"depots.{did}.side", "sides")
            need(self.places, d.place, f"depots.{did}.place", "places")
        for sid, side in self.sides.items():
            phase_names = [p.name for p in side.plan.phases]
            for i, phase in enumerate(side.plan.phases):
                where = f"sides.{sid}.plan.phases[{i}]"
                if phase.after is not None and phase.after not in phase_names[:i]:
                    problems.append(f"{where}.after = {phase.after!r}: expected the name of an "
                                    f"earlier phase ({', '.join(phase_names[:i]) or 'none'})")
                elif phase.after is not None and phase.enabled and not side.plan.phases[
                        phase_names.index(phase.after)].enabled:
                    problems.append(f"{where}.after = {phase.after!r}: that phase is disabled, "
                                    "so this one would never start; expected an enabled phase "
                                    "(or enabled = false here too)")
                for bid, task in phase.tasks.items():
                    need(self.battalions, bid, f"{where}.tasks", "battalions")
                    if bid in self.battalions and self.battalions[bid].side != sid:
                        problems.append(f"{where}.tasks.{bid}: battalion of side "
                                        f"{self.battalions[bid].side!r}, expected side {sid!r}")
                    need(self.places, task.objective, f"{where}.tasks.{bid}.objective", "places")
                    if task.secure_to is not None:
                        at = f"{where}.tasks.{bid}.secure_to"
                        on_roads = {n for road in self.roads.values() for n in road.nodes}
                        if task.posture != Posture.DEFEND:
                            problems.append(f"{at}: a road is secured in the 'defend' posture, "
                                            f"got {task.posture.value!r}")
                        for end in (task.objective, task.secure_to):
                            if end not in on_roads:
                                problems.append(f"{at}: {end!r} is not a node of any road; "
                                                "expected the two ends of a stretch of road")
                if phase.when_enemy_near is not None:
                    need(self.places, phase.when_enemy_near.place,
                         f"{where}.when_enemy_near.place", "places")
            for i, place in enumerate(side.holds):
                need(self.places, place, f"sides.{sid}.holds[{i}]", "places")
            if side.plan.withdrawal is not None:
                for i, place in enumerate(side.plan.withdrawal.to):
                    need(self.places, place, f"sides.{sid}.plan.withdrawal.to[{i}]", "places")
                for i, road in enumerate(side.plan.withdrawal.when_road_cut):
                    need(self.roads, road, f"sides.{sid}.plan.withdrawal.when_road_cut[{i}]",
                         "roads")
                for i, place in enumerate(side.plan.withdrawal.when_lost):
                    need(self.places, place, f"sides.{sid}.plan.withdrawal.when_lost[{i}]",
                         "places")
            if side.plan.withdrawal is None and any(
                    b.side == sid and b.enabled for b in self.battalions.values()) and not any(
                    d.side == sid and d.enabled for d in self.depots.values()):
                problems.append(f"sides.{sid}: no enabled depot and no plan.withdrawal.to; "
                                "expected somewhere for its battalions to fall back to")
            for i, r in enumerate(side.plan.reinforcements):
                where = f"sides.{sid}.plan.reinforcements[{i}]"
                need(self.places, r.at, f"{where}.at", "places")
                for bid in r.battalions:
                    if bid in arriving:
                        problems.append(f"{where}.battalions: {bid!r} already arrives with "
                                        f"{arriving[bid]}; expected each battalion to arrive "
                                        "once")
                    arriving.setdefault(bid, where)
                    need(self.battalions, bid, f"{where}.battalions", "battalions")
                    if bid in self.battalions and self.battalions[bid].side != sid:
                        problems.append(f"{where}.battalions: {bid!r} belongs to side "
                                        f"{self.battalions[bid].side!r}, expected {sid!r}")
                if r.arrives < self.start_date:
                    problems.append(f"{where}.arrives = {r.arrives}: expected a date on or after "
                                    f"start_date {self.start_date}")
        if self.app.kit_side is not None:
            need(self.sides, self.app.kit_side, "app.kit_side", "sides")
        switchable = self.app.switchable_phase
        if switchable is not None:
            need(self.sides, switchable.side, "app.switchable_phase.side", "sides")
            if switchable.side in self.sides:
                names = [p.name for p in self.sides[switchable.side].plan.phases]
                if switchable.phase not in names:
                    problems.append(f"app.switchable_phase.phase = {switchable.phase!r}: "
                                    f"expected a phase of side {switchable.side!r} "
                                    f"({', '.join(names) or 'none'})")
        if self.weather.enabled:
            missing = self.parameters.weather.missing_theatre_facts()
            if missing:
                problems.append(
                    "parameters.weather: " + ", ".join(missing) + " not given; expected the "
                    "theatre's climate and passes, with their sources (facts of the theatre have "
                    "no default; see scenarios/kalbajar_theatre.toml)")
        # Without a weapons table the scenario states its guns' ranges; with one, guns reach
        # their weapons' effective range.
        guns = set() if self.weapons else {b.type for b in self.battalions.values()
                                             if b.enabled}
        for unit_type, key in ((UnitType.ARTILLERY, "artillery_range_km"),
                               (UnitType.ROCKET_ARTILLERY, "rocket_range_km")):
            if unit_type in guns and getattr(self.parameters.combat, key) is None:
                problems.append(f"parameters.combat.{key} not given; expected the range of the "
                                f"scenario's {unit_type.value.replace('_', ' ')}, with its "
                                "source (a fact of the weapons, no default)")
        if problems:
            raise ValueError("; ".join(problems))
        return self


# --------------------------------------------------------------------------- loading


def load_scenario(path: str | Path, overrides: list[str] | None = None) -> Scenario:
    """Read, merge (``extends``), override (``key.path=value``) and validate a scenario file."""
    path = Path(path)
    raw = _read_with_extends(path, seen=())
    for item in overrides or []:
        _apply_override(raw, item, path)
    if "shifted_by_days" in raw:
        raise ScenarioError(f"{path}: shifted_by_days = {_shown(raw['shifted_by_days'])}: set "
                            "by the loader; expected shift_schedule_days to move the schedule")
    raw.setdefault("name", path.stem)
    _shift_schedule(raw, path)
    return validate_scenario(raw, path)


def _shift_schedule(raw: dict[str, Any], path: Path) -> None:
    """Apply ``shift_schedule_days``: the same operation launched days earlier or later.

    The start date, every phase start and every reinforcement arrival move; recorded weather
    forcing stays on its calendar dates.
    """
    days = raw.pop("shift_schedule_days", 0)
    if not isinstance(days, int) or isinstance(days, bool) or abs(days) > 3650:
        raise ScenarioError(f"{path}: shift_schedule_days = {days!r}: expected a whole number "
                            "of days from -3650 to 3650 (ten years either way)")
    if days == 0:
        return
    delta = dt.timedelta(days=days)

    def shifted(value):
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return value
        if not isinstance(value, dt.date):
            return value
        try:
            return value + delta
        except OverflowError:
            raise ScenarioError(f"{path}: shift_schedule_days = {days}: moves {value} out of "
                                "the calendar; expected dates from year 1 to 9999") from None

    raw["start_date"] = shifted(raw.get("start_date"))
    for side in (raw.get("sides") or {}).values():
        plan = side.get("plan", {}) if isinstance(side, dict) else {}
        for phase in plan.get("phases", []):
            if isinstance(phase, dict) and phase.get("start") is not None:
                phase["start"] = shifted(phase["start"])
        for arrival in plan.get("reinforcements", []):
            if isinstance(arrival, dict) and "arrives" in arrival:
                arrival["arrives"] = shifted(arrival["arrives"])
    raw["shifted_by_days"] = raw.get("shifted_by_days", 0) + days


def validate_scenario(raw: dict[str, Any], path: Path) -> Scenario:
    """Validate a merged scenario dictionary, turning pydantic's report into a ScenarioError."""
    try:
        scenario = Scenario.model_validate(raw)
    except ValidationError as exc:
        raise ScenarioError(_describe(exc, path, raw)) from None
    scenario.source_file = path
    if scenario.record is not None:
        check_record(scenario)  # the record is checked before anything runs
    if not scenario.theatre.terrain_file.is_file():
        raise ScenarioError(
            f"{path}: theatre.terrain_file = '{scenario.theatre.terrain_file}': file not found; "
            "expected a terrain file (.npz, .hgt or .tif; build the default with "
            "'python -m sim.build_terrain')"
        )
    return scenario


def _read_toml(path: Path) -> dict[str, Any]:
    text = read_text_file(path)
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise ScenarioError(f"{path}: arrays or tables nested too deeply; expected a scenario "
                            "file") from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"line (\d+)", message)
        if match:
            line = text.splitlines()[int(match[1]) - 1] if int(match[1]) <= len(
                text.splitlines()) else ""
            key, _, value = line.partition("=")
            if value:
                raise ScenarioError(
                    f"{path}: line {match[1]}: {key.strip()} = {value.strip()}: {message}; "
                    "expected a valid TOML value (dates as YYYY-MM-DD that exist)"
                ) from None
        raise ScenarioError(f"{path}: not valid TOML: {message}") from None


def _read_with_extends(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    resolved = path.resolve()
    if resolved in seen:
        raise ScenarioError(f"{path}: extends = ...: the chain of 'extends' loops back on itself")
    raw = _read_toml(path)
    theatre = raw.get("theatre")
    if isinstance(theatre, dict) and isinstance(theatre.get("terrain_file"), str):
        theatre["terrain_file"] = str((path.parent / theatre["terrain_file"]).resolve())
    if isinstance(raw.get("record"), str):
        raw["record"] = str((path.parent / raw["record"]).resolve())
    base_names = raw.pop("extends", None)
    if base_names is None:
        return raw
    if isinstance(base_names, str):
        base_names = [base_names]
    if not (isinstance(base_names, list) and base_names
            and all(isinstance(n, str) and n for n in base_names)):
        raise ScenarioError(f"{path}: extends = {base_names!r}: expected a path to a scenario "
                            "file, or a list of them (merged in order)")
    base: dict[str, Any] = {}
    for base_name in base_names:
        target = path.parent / base_name
        if not target.is_file():
            found = "a folder" if target.is_dir() else "file not found"
            raise ScenarioError(f"{path}: extends = {base_name!r}: {target}: {found}; expected "
                                "a scenario file")
        base = _merge(base, _read_with_extends(target, seen + (resolved,)))
    if "name" not in raw:
        base.pop("name", None)
    return _merge(base, raw)


def _merge(base: dict[str, Any], change: dict[str, Any]) -> dict[str, Any]:
    """Merge a variant into its base.

    Tables merge key by key; lists of named tables (phases) name by name, new names appended;
    any other list is replaced whole.
    """
    merged = dict(base)
    for key, value in change.items():
        old = merged.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            merged[key] = _merge(old, value)
        elif _named_tables(value) and _named_tables(old):
            by_name = {item["name"]: item for item in old}
            for item in value:
                by_name[item["name"]] = _merge(by_name.get(item["name"], {}), item)
            merged[key] = list(by_name.values())
        else:
            merged[key] = value
    return merged


def _named_tables(value: Any) -> bool:
    return (isinstance(value, list) and bool(value)
            and all(isinstance(item, dict) and "name" in item for item in value))


def parse_override(item: str) -> tuple[list[str], Any]:
    """Split ``a.b.c=value`` into its key path and a TOML-typed value (strings need no quotes)."""
    key, sep, text = item.partition("=")
    if not sep or not key.strip():
        raise ScenarioError(f"--set {item!r}: expected key.path=value")
    try:
        value = tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = text.strip()
    return key.strip().split("."), value


def _apply_override(raw: dict[str, Any], item: str, path: Path) -> None:
    keys, value = parse_override(item)
    node: Any = raw
    for depth, key in enumerate(keys[:-1]):
        where = ".".join(keys[: depth + 1])
        if isinstance(node, list):
            if not key.isdigit() or int(key) >= len(node):
                raise ScenarioError(f"{path}: --set {item}: {where}: expected a list index "
                                    f"below {len(node)}")
            node = node[int(key)]
        elif isinstance(node, dict):
            node = node.setdefault(key, {})
        else:
            raise ScenarioError(f"{path}: --set {item}: {where} is a value, not a table")
    last = keys[-1]
    if isinstance(node, list):
        if not last.isdigit() or int(last) >= len(node):
            raise ScenarioError(f"{path}: --set {item}: expected a list index below {len(node)}")
        node[int(last)] = value
    elif isinstance(node, dict):
        if last == "terrain_file" and isinstance(value, str):
            value = str(Path(value).resolve())
        node[last] = value
    else:
        raise ScenarioError(f"{path}: --set {item}: {'.'.join(keys[:-1])} is a value, not a table")


def _describe(exc: ValidationError, path: Path, raw: dict[str, Any]) -> str:
    lines = []
    for error in exc.errors():
        loc = _format_loc(error["loc"])
        message = error["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, "):]
        if error["type"] == "missing":
            lines.append(f"{path}: {loc}: missing; expected this key to be given")
        elif error["type"] == "extra_forbidden":
            lines.append(f"{path}: {loc} = {_shown(error['input'])}: unknown key; expected "
                         f"{_known_keys(error['loc'])}")
        elif not loc:
            lines.append(f"{path}: {message}")
        elif isinstance(error["input"], dict) and re.split(r"[.: ]", message)[0] in error["input"]:
            lines.append(f"{path}: {loc}.{message}")  # a fault deep in the table it names
        else:
            lines.append(f"{path}: {loc} = {_shown(error['input'])}: {_expected(message)}")
    return "\n".join(lines)


def _expected(message: str) -> str:
    text = message[0].lower() + message[1:] if message else message
    if text.startswith("input should be "):
        return "expected " + text[len("input should be "):]
    if text.startswith("expected "):
        return text
    return text


def _format_loc(loc: tuple) -> str:
    parts = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item in ("function-after", "function-before") or str(item).startswith("function-"):
            continue
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def _shown(value: Any) -> str:
    """A value as the scenario file writes it (dates as YYYY-MM-DD, long values cut)."""
    text = value.isoformat() if isinstance(value, dt.date) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _known_keys(loc: tuple) -> str:
    """The keys allowed where ``loc`` points, the closest to its last key first."""
    current: Any = Scenario
    for item in loc[:-1]:
        current = _descend(current, item)
        if current is None:
            return "one of the documented keys"
    fields = [name for name in getattr(_unwrap(current), "model_fields", None) or {}
              if name not in ("source_file", "shifted_by_days")]
    if not fields:
        return "one of the documented keys"
    close = difflib.get_close_matches(str(loc[-1]), fields, n=3, cutoff=0.6)
    rest = ", ".join(name for name in fields if name not in close)
    if close:
        return f"{' or '.join(close)} (or one of {rest})" if rest else " or ".join(close)
    return f"one of {rest}"


def _descend(annotation: Any, item: Any) -> Any:
    annotation = _unwrap(annotation)
    if get_origin(annotation) in (dict, list):
        return get_args(annotation)[-1]
    fields = getattr(annotation, "model_fields", None)
    if fields is not None and item in fields:
        return fields[item].annotation
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Union down to the model, dict or list inside it."""
    if get_origin(annotation) in (Union, UnionType):
        for arg in get_args(annotation):
            if get_origin(arg) in (dict, list) or (
                isinstance(arg, type) and issubclass(arg, BaseModel)
            ):
                return arg
    return annotation

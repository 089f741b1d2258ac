"""Casualty evacuation: the wounded and cold-injured go back, are carried, or are left.

A battalion's wounded and cold-injured stay in its care until they reach an aid post
(``combat_science.md`` §3.2c). Walking cases go back by themselves while the battalion has a
route: its side's porters reach it from a road the side's supply still reaches (the road
open, the pass not closed, the battalion not encircled). Litter cases go back as fast as its
litter teams can carry them from where it stands to that road (ATP 4-25.13; six bearers to a
litter on mountain ground, Wilkerson), slowed by the snow as men on foot are (FM 31-70). Those
still waiting die at a constant hazard that kills the untreated share within the untreated
time. A battalion with no route that falls back carries its litter cases at a litter team's
pace and leaves behind those it has no bearers for: they die or are taken. One that goes
forward leaves them at a collection point, where they wait.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .movement import snow_rate_factor

CARE_CAUSES = ("wounded", "cold_injured")
DEATH_OF = {"wounded": "died_of_wounds", "cold_injured": "cold_dead"}


@dataclass
class CasualtyCare:
    """The casualties a battalion still has with it, by cause, walking and on litters."""

    new: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CARE_CAUSES, 0))
    walking: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CARE_CAUSES, 0))
    litter: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CARE_CAUSES, 0))
    carrying_litters: bool = False  # it marches at a litter team's pace

    def admit(self, cause: str, men: int) -> None:
        """New casualties of ``cause`` come into the battalion's care."""
        self.new[cause] += men

    def sort(self, rng: np.random.Generator, litter_case_share: float) -> None:
        """The new casualties are sorted into walking and litter cases."""
        for cause in CARE_CAUSES:
            if self.new[cause]:
                on_litters = int(rng.binomial(self.new[cause], litter_case_share))
                self.litter[cause] += on_litters
                self.walking[cause] += self.new[cause] - on_litters
                self.new[cause] = 0

    @property
    def waiting(self) -> int:
        """Men in the battalion's care, walking or on litters."""
        return sum(self.walking.values()) + sum(self.litter.values()) + sum(self.new.values())

    @property
    def litter_cases(self) -> int:
        """Men who must be carried."""
        return sum(self.litter.values())


def untreated_death_chance(hours: float, untreated_share: float, untreated_hours: float) -> float:
    """Chance that an untreated casualty dies within ``hours``.

    A constant hazard under which ``untreated_share`` of them die within ``untreated_hours``.
    """
    if untreated_share >= 1.0:
        return 1.0
    return 1.0 - (1.0 - untreated_share) ** (hours / untreated_hours)


def litter_trips_per_step(bearers: int, carry_km: float, pace_km_h: float, step_hours: float,
                          p) -> float:
    """Litter cases ``bearers`` men can bring ``carry_km`` to a road in a step (there and back)."""
    teams = bearers // p.bearers_per_litter
    if carry_km <= 0.0:
        return float("inf")
    return teams * step_hours * pace_km_h / (2.0 * carry_km)


class Evacuation:
    """Each step, every battalion's casualties go back, wait, die, are carried or left."""

    def __init__(self, model):
        self.model = model
        self._road_cells: dict[str, np.ndarray] = {}

    def tend(self) -> None:
        """One step of casualty care for every battalion with casualties."""
        model = self.model
        p = model.spec.parameters.evacuation
        self._road_cells = {}
        for unit in model.battalions.values():
            care = unit.care
            care.sort(model.rng, p.litter_case_share)
            if not care.waiting:
                unit.carry_litters(False)
                continue
            if not unit.in_field:
                self.leave_behind(unit, dict(care.walking), dict(care.litter),
                                  "nobody left to carry them")
                continue
            carry_km = self.carry_km(unit)
            if carry_km is not None:
                self.send_back(unit, carry_km)
            self.untreated_deaths(unit)
            # Going back with no route, it takes its casualties along; going forward, it
            # leaves them at a collection point with its aid men, where they wait.
            going_back = carry_km is None and (unit.withdrawing or unit.broken
                                               or unit.encircled)
            if going_back and unit.march_hours_step > 0:
                self.carry_or_leave(unit)
            unit.carry_litters(going_back and care.litter_cases > 0)

    def carry_km(self, unit) -> float | None:
        """Km of litter carry from the battalion to its side's nearest reached road cell.

        None when it has no route back: its porters do not reach it, or it is encircled.
        """
        model = self.model
        if not unit.supply_path or unit.encircled:
            return None
        roads = self._road_cells.get(unit.side)
        if roads is None:
            reached = model.supply_lines.supplied_cells.get(unit.side)
            roads = np.argwhere(reached) if reached is not None else np.zeros((0, 2), int)
            self._road_cells[unit.side] = roads
        if not len(roads):
            return None
        cells = float(np.sqrt(((roads - np.asarray(unit.coordinate)) ** 2).sum(axis=1).min()))
        return cells * model.world.terrain.cell_size_m / 1000.0

    def litter_pace_km_h(self, unit) -> float:
        """A litter team's pace where the battalion stands: a share of the foot-march rate."""
        params = self.model.spec.parameters
        going = 1.0
        if self.model.snow_depth_m is not None:
            going = float(snow_rate_factor(self.model.snow_depth_m[unit.coordinate], True,
                                           params.movement))
        return (params.movement.cross_country_day_km_per_h
                * params.evacuation.litter_pace_share * going)

    def send_back(self, unit, carry_km: float) -> None:
        """Walking cases go back; litter cases as far as the litter teams can carry them.

        Cold-injured men who reach an aid post die at ``cold.fatality_supplied``.
        """
        model, p = self.model, self.model.spec.parameters.evacuation
        care = unit.care
        bearers = int(unit.strength * p.bearer_share)
        trips = litter_trips_per_step(bearers, carry_km, self.litter_pace_km_h(unit),
                                      model.spec.step_hours, p)
        room = care.litter_cases if np.isinf(trips) else min(care.litter_cases, int(trips))
        carried = dict.fromkeys(CARE_CAUSES, 0)
        if room:
            counts = np.array([care.litter[c] for c in CARE_CAUSES])
            drawn = model.rng.multivariate_hypergeometric(counts, room)
            carried = dict(zip(CARE_CAUSES, (int(n) for n in drawn)))
        arrived = {c: care.walking[c] + carried[c] for c in CARE_CAUSES}
        died = int(model.rng.binomial(arrived["cold_injured"],
                                      model.spec.parameters.cold.fatality_supplied))
        unit.casualties_evacuated(dict(care.walking), carried, died)

    def untreated_deaths(self, unit) -> None:
        """Casualties still waiting die at the untreated hazard for the step's hours."""
        model = self.model
        p, cold = model.spec.parameters.evacuation, model.spec.parameters.cold
        share = {"wounded": p.untreated_wounded_death_share,
                 "cold_injured": cold.fatality_unsupplied}
        care = unit.care
        for cause in CARE_CAUSES:
            chance = untreated_death_chance(model.spec.step_hours, share[cause],
                                            p.untreated_death_hours)
            walking = int(model.rng.binomial(care.walking[cause], chance))
            litter = int(model.rng.binomial(care.litter[cause], chance))
            if walking or litter:
                unit.casualties_died(cause, walking, litter)

    def carry_or_leave(self, unit) -> None:
        """A column with no route carries the litter cases it has bearers for, leaves the rest."""
        p = self.model.spec.parameters.evacuation
        care = unit.care
        litters = int(unit.strength * p.bearer_share) // p.bearers_per_litter
        left = care.litter_cases - litters
        if left <= 0:
            return
        counts = np.array([care.litter[c] for c in CARE_CAUSES])
        drawn = self.model.rng.multivariate_hypergeometric(counts, left)
        self.leave_behind(unit, dict.fromkeys(CARE_CAUSES, 0),
                          dict(zip(CARE_CAUSES, (int(n) for n in drawn))),
                          "no bearers to carry them")

    def leave_behind(self, unit, walking: dict[str, int], litter: dict[str, int],
                     cause: str) -> None:
        """Casualties left behind: ``left_behind_dead_share`` die, the rest are missing."""
        model = self.model
        share = model.spec.parameters.evacuation.left_behind_dead_share
        total = sum(walking.values()) + sum(litter.values())
        if not total:
            return
        dead = {c: int(model.rng.binomial(walking[c] + litter[c], share)) for c in CARE_CAUSES}
        unit.casualties_left(walking, litter, dead)
        model.log_event("casualties_left", unit=unit.battalion_id, cause=cause,
                        place=model.place_name(unit.coordinate), men=total,
                        dead=sum(dead.values()))

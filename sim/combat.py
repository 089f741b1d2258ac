"""Combat between battalions in contact: Dupuy's QJM/TNDM attrition.

Sources: ``combat_science.md`` §2.1-2.3 (Dupuy, *Numbers, Predictions and War*, as transcribed
in HerrTom/OPORD-QJM; CDB90).

* Daily casualty rate of the attacker: ``0.04 x r_c x h_c x u_ca x size x opp(P_a / P_d)``;
  of the defender: ``0.04 x r_c x h_c x u_cd x size x opp(P_d / P_a) x surprise`` (TNDM's base
  rates, where NPW's QJM had 0.028 and 0.015).
  r_c terrain, h_c weather, u posture, opp the opposition factor of the power ratio, size
  Dupuy's size factor (small forces lose faster) taken at the size of the whole engagement
  (both sides in contact), so that the casualty exchange follows the force ratio almost
  linearly, as the CDB90 fit finds (ln(A_cas/D_cas) = 0.07-0.23 ln(A/D), §2.1).
* Combat power: the lethality of a battalion's weapons (Dupuy's OLIs, :mod:`sim.weapons`; in a
  scenario that lists no weapons, its men), each class of weapon times its QJM terrain and
  weather factor, x troop quality (QJM morale factor) x posture and terrain (defender) x
  weather (attacker) x supply x fatigue (verity 8: the ability to inflict casualties declines
  with each day in combat) x surprise (the surprising attacker's QJM operational mobility).
* Guns and rocket launchers fire indirectly: those in range of an engagement (their weapons'
  effective range) multiply the casualties inflicted so that they take their
  sourced share of them (47-69 % in WWII, §2.3).
* Casualties are drawn from the model's random generator and split into killed, wounded and
  missing or captured.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .parameters import CombatParameters
from .scenario import Posture, UnitType
from .states import UnitState
from .terrain import TerrainClass


def size_factor(strength, p: CombatParameters):
    """Dupuy's size factor: multiplier on the daily rate for a force of this many men."""
    men = np.maximum(np.asarray(strength, dtype=float), 1.0)
    return np.interp(np.log(men), np.log(p.size_factor_men), p.size_factor_value)


def opposition_factor(power_ratio, p: CombatParameters):
    """QJM opposition factor of a side whose power is ``power_ratio`` times the enemy's."""
    ratio = np.clip(np.asarray(power_ratio, dtype=float), 1e-3, 1e3)
    return np.interp(np.log(ratio), np.log(p.opposition_ratio), p.opposition_value)


def attacker_daily_rate(engaged_men, power_ratio, terrain_c, weather_c, p: CombatParameters):
    """Attacker's casualty rate per day (share of its men); ``engaged_men`` counts both sides."""
    return (p.attacker_daily_rate * terrain_c * weather_c * size_factor(engaged_men, p)
            * opposition_factor(power_ratio, p))


def defender_daily_rate(engaged_men, power_ratio, terrain_c, weather_c, posture_c, surprise_c,
                        p: CombatParameters):
    """Defender's casualty rate per day (share of its men); ``engaged_men`` counts both sides."""
    return (p.defender_daily_rate * terrain_c * weather_c * posture_c * surprise_c
            * size_factor(engaged_men, p) * opposition_factor(power_ratio, p))


def surprise_power(level: str, terrain_mobility: float, weather_mobility: float,
                   p: CombatParameters) -> float:
    """Multiplier on a surprising attacker's combat power (QJM).

    Surprise multiplies the attacker's mobility characteristic M (x1.3 / 3 / 5); its operational
    mobility ``m = M - (1 - r_m h_m)(M - 1)``, which terrain and weather damp, multiplies its
    combat power (NPW as transcribed in HerrTom/OPORD-QJM, ``combat_science.md`` §2.2).
    """
    mobility = p.surprise_mobility[level]
    return mobility - (1.0 - terrain_mobility * weather_mobility) * (mobility - 1.0)


def artillery_multiplier(support: float, p: CombatParameters) -> float:
    """Casualty multiplier when guns give ``support`` (0-1) to the side inflicting them."""
    share = p.artillery_casualty_share * min(max(support, 0.0), 1.0)
    return 1.0 / (1.0 - share)


def split_casualties(rng: np.random.Generator, casualties: int, broken: bool,
                     p: CombatParameters) -> dict[str, int]:
    """Split battle casualties into killed, wounded and missing.

    What becomes of the wounded is :mod:`sim.evacuation`'s.
    """
    missing_share = p.missing_share_broken if broken else p.missing_share
    killed, wounded, missing = rng.multinomial(
        casualties, [p.killed_share, 1 - p.killed_share - missing_share, missing_share])
    return {"killed": int(killed), "wounded": int(wounded), "missing": int(missing)}


@dataclass
class Contact:
    """A battalion and the enemy battalions in contact with it this step."""

    unit: object
    enemies: list


def find_contacts(units, range_cells: float) -> dict[int, Contact]:
    """Contacts between battalions of different sides within range (unit id -> Contact)."""
    contacts: dict[int, Contact] = {}
    if not units:
        return contacts
    xy = np.array([u.coordinate for u in units], dtype=float)
    sides = np.array([u.side for u in units])
    distance = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    hostile = (sides[:, None] != sides[None, :]) & (distance <= range_cells + 1e-9)
    for i, unit in enumerate(units):
        enemies = [units[j] for j in np.flatnonzero(hostile[i])]
        if enemies:
            contacts[unit.unique_id] = Contact(unit, enemies)
    return contacts


class CombatResolver:
    """Resolves every contact of a step: roles, combat power, rates, artillery, casualties."""

    def __init__(self, model):
        self.model = model
        self.p: CombatParameters = model.spec.parameters.combat
        self.range_cells = self.p.engagement_range_km * 1000.0 / model.world.terrain.cell_size_m
        self.contact_pairs: set[tuple[str, str]] = set()

    def fight(self) -> dict[int, Contact]:
        """The step's combat: resolve contacts and bombardment; note who is in contact."""
        model = self.model
        units = [u for u in model.battalions.values() if u.in_field]
        step_days = model.spec.step_hours / 24.0
        known = self.contact_pairs
        contacts = self.resolve(units)
        pairs = set()
        for contact in contacts.values():
            for enemy in contact.enemies:
                pairs.add(tuple(sorted((contact.unit.battalion_id, enemy.battalion_id))))
        for a, b in sorted(pairs - known):
            model.log_event("contact", unit=a, cause=f"with {b}",
                            place=model.place_name(model.battalions[a].coordinate))
        self.contact_pairs = pairs
        for unit in units:
            in_contact = unit.unique_id in contacts
            unit.after_combat(in_contact, in_contact and self.is_attacking(unit), step_days)
        self.bombard(units, contacts)
        return contacts

    # ------------------------------------------------------------------ power and factors

    def is_attacking(self, unit) -> bool:
        """Attacking: under an attack order and on the march, or breaking out of a pocket.

        Breaking out is an attack on the ring. A battalion falling back to restock or
        withdrawing out of the fight is not attacking.
        """
        if unit.encircled:  # breaking out of a pocket is an attack on the ring
            return unit.withdrawing and unit.state == UnitState.MARCHING
        return (unit.posture == Posture.ATTACK and unit.state == UnitState.MARCHING
                and not (unit.withdrawing or unit.resupplying))

    def defence_posture(self, unit) -> str:
        """QJM posture of a battalion that is not attacking."""
        if unit.state == UnitState.BROKEN or unit.withdrawing:
            return "withdrawal"
        return "prepared" if unit.held_hours >= self.p.prepared_after_hours else "hasty"

    def weather_class(self, cell) -> str:
        """'fair', 'light' or 'heavy' by the precipitation at a cell this step."""
        weather = self.model.weather
        if weather is None:
            return "fair"
        rate = float(weather.precip_mm[cell]) * 24.0 / self.model.spec.step_hours
        if rate <= 0:
            return "fair"
        heavy = self.model.spec.parameters.weather.heavy_precip_mm_per_day
        return "heavy" if rate >= heavy else "light"

    def power(self, unit, attacking: bool, cell_class: str, weather: str) -> float:
        """Combat power of a battalion in this step's circumstances."""
        p = self.p
        value = self.weapons_power(unit, cell_class, weather) * p.quality_factor[
            unit.quality.value]
        if attacking:
            value *= getattr(p, f"weather_attack_{weather}")
            if unit.surprise_level is not None:
                value *= surprise_power(unit.surprise_level, p.terrain_mobility[cell_class],
                                        self.model.advance_weather_factor(unit.coordinate), p)
        else:
            value *= p.posture_strength[self.defence_posture(unit)]
            value *= p.terrain_defence[cell_class]
        if not unit.supplied:
            value *= p.unsupplied_power
        value *= max(p.fatigue_power_floor, 1.0 - p.fatigue_power_loss_per_day * unit.combat_days)
        if unit.broken:
            value *= p.broken_factor
        if unit.armament is None and unit.unit_type.road_bound:
            value *= p.gun_crew_power
        return value

    def weapons_power(self, unit, cell_class: str, weather: str) -> float:
        """What a battalion's weapons bring to a close fight where it stands (QJM).

        Its infantry weapons, mortars and armour (Dupuy's OLIs, :mod:`sim.weapons`), each
        class times its terrain and weather factor, in proportion to the men it has left. In a
        scenario that lists no weapons, its men.
        """
        arms = unit.armament
        if arms is None:
            return float(unit.strength)
        terrain, weather_f = self.p.weapon_terrain_factor, self.p.weapon_weather_factor
        lethality = sum(getattr(arms, kind) * terrain[kind][cell_class] * weather_f[kind][weather]
                        for kind in ("infantry", "artillery", "armour"))
        return lethality * unit.strength / max(unit.joined, 1)

    def gun_reach_km(self, gun) -> float:
        """How far a battalion's guns or launchers reach (0: it has none that fire indirectly).

        Its weapons' longest effective range; in a scenario that lists no weapons, the
        scenario's range for its type.
        """
        if gun.armament is not None:
            return gun.armament.reach_km if gun.armament.indirect > 0 else 0.0
        if gun.unit_type == UnitType.ROCKET_ARTILLERY:
            return self.p.rocket_range_km
        if gun.unit_type == UnitType.ARTILLERY:
            return self.p.artillery_range_km
        return 0.0

    def artillery_support(self, side: str, target) -> float:
        """Support (0-1) a side's guns in range give against a target this step."""
        support = 0.0
        for gun in self.model.side_units(side):
            if not gun.in_field:
                continue
            reach = self.gun_reach_km(gun)
            if not reach or gun.ammunition_days <= 0 or gun.broken:
                continue
            if self.model.world.terrain.distance_km(gun.coordinate, target.coordinate) <= reach:
                support += self.p.fire_units_per_engagement / max(1, gun.targets_this_step)
        return min(1.0, support)

    # ------------------------------------------------------------------ resolution

    def resolve(self, units) -> dict[int, Contact]:
        """Resolve all contacts among the battalions in the field; returns the contacts."""
        model, p = self.model, self.p
        contacts = find_contacts(units, self.range_cells)
        for contact in contacts.values():
            contact.unit.meet_enemy()  # QJM's minor surprise falls on its first contact
        self._count_gun_targets(units, contacts)
        step_days = model.spec.step_hours / 24.0
        losses: dict[int, float] = {}
        for contact in contacts.values():
            unit = contact.unit
            attacking = self.is_attacking(unit)
            cell_class = TerrainClass(int(model.world.terrain.terrain_class[unit.coordinate])).name
            weather = self.weather_class(unit.coordinate)
            own = self.power(unit, attacking, cell_class, weather)
            enemy = 0.0
            engaged = float(unit.strength)
            enemy_attacks = False
            for other in contact.enemies:
                other_attacking = self.is_attacking(other)
                enemy_attacks |= other_attacking
                other_class = TerrainClass(
                    int(model.world.terrain.terrain_class[other.coordinate])).name
                share = 1.0 / len(contacts[other.unique_id].enemies)
                engaged += share * other.strength
                enemy += share * self.power(other, other_attacking,
                                            other_class, self.weather_class(other.coordinate))
            ratio = own / max(enemy, 1e-9)
            terrain_c = p.terrain_casualty[cell_class]
            weather_c = {"fair": p.weather_casualty_fair, "light": p.weather_casualty_light,
                         "heavy": p.weather_casualty_heavy}[weather]
            if model.weather is not None and float(model.weather.temperature_c[
                    unit.coordinate]) >= 0 and weather == "fair":
                weather_c = 1.0
            if attacking:
                rate = attacker_daily_rate(engaged, ratio, terrain_c, weather_c, p)
                if unit.surprise_level is not None:
                    rate *= p.surprise_vulnerability[unit.surprise_level]
            else:
                posture = self.defence_posture(unit)
                surprise_c = 1.0
                if enemy_attacks and unit.first_contact_step == model.time:
                    surprise_c = p.surprise_defender_casualty
                for other in contact.enemies:
                    level = other.surprise_level if self.is_attacking(other) else None
                    if level is not None:
                        surprise_c = max(surprise_c, p.surprised_vulnerability[level])
                unit.note_surprised(surprise_c > 1.0)
                rate = defender_daily_rate(
                    engaged, ratio, terrain_c, weather_c,
                    p.posture_defender_casualty[posture], surprise_c, p)
                if not enemy_attacks:
                    rate *= p.static_contact_factor
            support = sum(self.artillery_support(side, unit)
                          for side in sorted({other.side for other in contact.enemies}))
            rate *= artillery_multiplier(support, p)
            losses[unit.unique_id] = float(rate) * step_days
        for contact in contacts.values():
            unit = contact.unit
            share = min(1.0, losses[unit.unique_id])
            casualties = int(model.rng.binomial(unit.strength, share)) if unit.strength else 0
            self.inflict(unit, casualties)
        return contacts

    def inflict(self, unit, casualties: int) -> None:
        """Apply battle casualties to a battalion, split by kind."""
        if casualties <= 0:
            return
        split = split_casualties(self.model.rng, min(casualties, unit.strength),
                                 unit.broken or unit.encircled, self.p)
        for cause, men in split.items():
            unit.lose(cause, men)

    def bombard(self, units, contacts) -> None:
        """Guns fire on enemy battalions in range that are not in contact.

        On a pocket all the step, on a column for the hours it marched (a column on a mountain
        road is a target).
        """
        step_days = self.model.spec.step_hours / 24.0
        for unit in units:
            if unit.unique_id in contacts or not (unit.encircled or unit.march_hours_step > 0):
                continue
            exposed_days = step_days if unit.encircled else unit.march_hours_step / 24.0
            for side in self.model.spec.sides:
                if side == unit.side:
                    continue
                support = self.artillery_support(side, unit)
                if support > 0:
                    share = self.p.bombardment_daily_rate * support * exposed_days
                    self.inflict(unit, int(self.model.rng.binomial(unit.strength, share)))

    def _count_gun_targets(self, units, contacts) -> None:
        engaged = [c.unit for c in contacts.values()]
        for gun in units:
            reach = self.gun_reach_km(gun)
            if not reach:
                gun.aim_at(0)
                continue
            gun.aim_at(sum(
                1 for target in engaged if target.side != gun.side and
                self.model.world.terrain.distance_km(gun.coordinate, target.coordinate) <= reach))

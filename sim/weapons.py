"""What a battalion fights with: Dupuy's lethality of weapons and armoured vehicles.

A weapon's theoretical lethality index (TLI) is the product of its rate of fire, the targets
one strike can hit, its relative incapacitating effect, its range, accuracy and reliability,
and, for some weapons, the effects of several barrels, several propellant charges, guidance and
a self-propelled mount; its operational lethality index (OLI) is the TLI over the dispersion
of troops on the battlefield of its era. An armoured vehicle's OLI combines its weapons (the
main weapon in full, the n-th at 1/n) with its mobility, radius of action and protection, its
rapidity of fire, fire control, ammunition supply, running gear and amphibious ability.
Sources: T. N. Dupuy, *Numbers, Predictions and War* (1979, 1985), Appendix A, and *The
Evolution of Weapons and Warfare* (1980), Appendix A; the tables below as transcribed in
HerrTom/OPORD-QJM (``database/tables/{RF,PTS,RFE,ASE}.csv``, commit 6380665;
``combat_science.md`` §2.2).

The scenario lists the weapons and vehicles with their characteristics (``[weapons]``,
``[vehicles]``) and what each battalion has (``equipment``); :func:`armament` adds them up by
the QJM's classes of weapons, whose effect terrain and weather change differently
(:mod:`sim.combat`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Dupuy's rate-of-fire factor of guns and missiles by calibre (mm -> RF).
RF_BY_CALIBRE = (
    (20, 30, 40, 60, 75, 81, 90, 105, 120, 130, 155, 175, 203, 225, 250, 275, 300),
    (295, 260, 225, 175, 152, 144, 134, 113, 99, 90, 60, 47, 30, 25, 22, 18, 16),
)
# Dupuy's potential targets per strike by calibre (mm -> PTS).
PTS_BY_CALIBRE = (
    (20, 30, 40, 60, 75, 81, 90, 105, 120, 130, 155, 175, 203, 225, 250, 275, 300),
    (40, 100, 170, 344, 625, 752, 985, 1485, 2002, 2437, 3594, 4375, 5000, 5560, 6125, 6570,
     6985),
)
# Rapidity-of-fire effect of an armoured vehicle by its main weapon's RF.
RFE_BY_RATE = ((0, 5, 20, 40, 60, 80, 100, 120, 140, 160, 180, 200),
               (0.40, 0.40, 0.62, 0.75, 0.82, 0.89, 0.93, 0.95, 0.97, 0.98, 0.99, 1.00))
# Ammunition-supply effect by RF over the main weapon's rounds carried.
ASE_BY_SUPPLY = ((0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0),
                 (0.2, 0.65, 0.8, 0.88, 0.9, 0.92, 0.94, 0.96, 0.98, 1.0))
# Effect of guidance on a missile's lethality.
GUIDANCE_EFFECT = {"none": 1.0, "command": 1.0, "wire": 1.5, "radar": 1.5, "beam": 2.0,
                   "fire_and_forget": 2.0}
# QJM classes of weapons by category: terrain and weather change each class's effect.
WEAPON_CLASS = {"small_arms": "infantry", "machine_gun": "infantry", "antitank": "infantry",
                "heavy_weapon": "infantry", "mortar": "artillery", "artillery": "artillery",
                "rocket_artillery": "artillery"}
# Categories that fire indirectly from behind the line: their fire supports engagements in
# range (:meth:`sim.combat.CombatResolver.artillery_support`) rather than adding to the
# close-combat power of the battalion that serves them.
INDIRECT_CATEGORIES = ("artillery", "rocket_artillery")


def rate_of_fire_factor(fire: str, rate_per_min: float, calibre_mm: float,
                        kind: str = "gun") -> float:
    """Dupuy's rate-of-fire factor RF.

    Twice the cyclic rate of an individual weapon, four times the practical rate of a
    crew-served one, or his table by calibre (x1.2 for a mortar).
    """
    if fire == "individual":
        return 2.0 * rate_per_min
    if fire == "crew":
        return 4.0 * rate_per_min
    by_calibre = float(np.interp(calibre_mm, *RF_BY_CALIBRE))
    return 1.2 * by_calibre if kind == "mortar" else by_calibre


def range_factor(kind: str, effective_range_m: float, muzzle_velocity_m_s: float,
                 calibre_mm: float) -> float:
    """Dupuy's range effect RN.

    From the effective range (1 + sqrt(km)) or the muzzle energy (0.007 x muzzle velocity x
    0.1 x calibre); mortars and rockets take the larger, guns the mean when the range term is
    larger, else the velocity term; never below 1.
    """
    by_range = 1.0 + (effective_range_m / 1000.0) ** 0.5
    by_velocity = 0.007 * muzzle_velocity_m_s * 0.1 * calibre_mm
    if kind in ("mortar", "rocket"):
        value = max(by_range, by_velocity)
    elif by_range > by_velocity:
        value = (by_range + by_velocity) / 2.0
    else:
        value = by_velocity
    return max(1.0, value)


def multiple_charge_effect(charges: int) -> float:
    """Effect of propellant charges beyond two.

    +5 %, +4 %, ... (at least +1 % each), at most +15 %.
    """
    value = 1.0
    for i in range(max(0, charges - 2)):
        value += max(0.05 - 0.01 * i, 0.01)
    return min(value, 1.15)


def multiple_barrel_effect(barrels: int) -> float:
    """Effect of several barrels: 1 + 1/2 + ... + 1/n."""
    return float(sum(1.0 / (i + 1) for i in range(max(1, barrels))))


def weapon_tli(w) -> float:
    """A weapon's theoretical lethality index (Dupuy's TLI)."""
    rf = rate_of_fire_factor(w.fire, w.rate_of_fire_per_min, w.calibre_mm, w.kind)
    pts = w.targets_per_strike or float(np.interp(w.calibre_mm, *PTS_BY_CALIBRE))
    rn = range_factor(w.kind, w.effective_range_m, w.muzzle_velocity_m_s, w.calibre_mm)
    mount = 1.10 if w.self_propelled == "enclosed" else 1.05 if w.self_propelled == "open" else 1.0
    return (rf * pts * w.incapacitating_effect * rn * w.accuracy * w.reliability * mount
            * multiple_barrel_effect(w.barrels) * multiple_charge_effect(w.charges)
            * GUIDANCE_EFFECT[w.guidance])


def weapon_oli(w, dispersion: float) -> float:
    """A weapon's operational lethality index: its TLI over the era's dispersion factor."""
    return weapon_tli(w) / dispersion


def vehicle_oli(v, weapons: dict, dispersion: float) -> float:
    """An armoured vehicle's OLI (Dupuy): ``(W x MOF x RA + PF) x RFE x FCE x ASE x WHT x AME``.

    W: its weapons' OLIs, the n-th counted at 1/n; MOF = 0.15 sqrt(road speed, km/h);
    RA = 0.08 sqrt(radius of action, km); PF, protection, = weight/4 x sqrt(2 weight) for a tank
    (weight/8 x ... for other vehicles); RFE and ASE from the main weapon's rate of fire; WHT
    0.9 wheeled, 0.95 half-track; AME 1.1 amphibious, 1.05 with a snorkel.
    """
    armament = sum(weapon_oli(weapons[w], dispersion) / (i + 1) for i, w in enumerate(v.weapons))
    mobility = 0.15 * v.road_speed_kmh ** 0.5
    radius = 0.08 * v.radius_km ** 0.5
    protection = v.weight_t / (4.0 if v.kind == "tank" else 8.0) * (2.0 * v.weight_t) ** 0.5
    main = weapons[v.weapons[0]] if v.weapons else None
    rate = rate_of_fire_factor(main.fire, main.rate_of_fire_per_min, main.calibre_mm,
                               main.kind) if main else 0.0
    rapidity = float(np.interp(rate, *RFE_BY_RATE))
    supply = float(np.interp(rate / v.main_rounds if rate > 0 else 0.0, *ASE_BY_SUPPLY))
    running = {"tracked": 1.0, "half_track": 0.95, "wheeled": 0.90}[v.running_gear]
    swimming = {"no": 1.0, "snorkel": 1.05, "amphibious": 1.10}[v.amphibious]
    return ((armament * mobility * radius + protection) * rapidity * v.fire_control * supply
            * running * swimming)


@dataclass(frozen=True)
class Armament:
    """A battalion's lethality at full strength, by QJM class of weapon (OLI units).

    ``infantry``: small arms, machine guns, anti-tank and heavy weapons; ``artillery``: its own
    mortars; ``armour``: its armoured vehicles; ``indirect``: guns and rocket launchers that fire
    in support from behind the line, with ``reach_km``, the longest effective range among them.
    """

    infantry: float = 0.0
    artillery: float = 0.0
    armour: float = 0.0
    indirect: float = 0.0
    reach_km: float = 0.0

    @property
    def direct(self) -> float:
        """What it brings to a close fight at full strength (before terrain and weather)."""
        return self.infantry + self.artillery + self.armour


def armament(equipment: dict[str, float], weapons: dict, vehicles: dict,
             dispersion: float) -> Armament:
    """Sum a battalion's equipment (id -> number) into its :class:`Armament`."""
    totals = {"infantry": 0.0, "artillery": 0.0, "armour": 0.0, "indirect": 0.0}
    reach = 0.0
    for item, count in equipment.items():
        if item in vehicles:
            totals["armour"] += count * vehicle_oli(vehicles[item], weapons, dispersion)
            continue
        w = weapons[item]
        oli = count * weapon_oli(w, dispersion)
        if w.category in INDIRECT_CATEGORIES:
            totals["indirect"] += oli
            reach = max(reach, w.effective_range_m / 1000.0)
        else:
            totals[WEAPON_CLASS[w.category]] += oli
    return Armament(reach_km=reach, **totals)

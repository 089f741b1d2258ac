"""Dupuy's lethality of weapons and vehicles, and what a battalion's equipment brings to a fight."""

import math
import tomllib

import pytest

from sim import weapons as W
from sim.model import OperationModel
from sim.scenario import Organisation, ScenarioError, Vehicle, Weapon, load_scenario

from .conftest import ROOT

ARSENAL = ROOT / "scenarios" / "soviet_arsenal.toml"
THREE_SIDES = ROOT / "tests" / "data" / "three_sides.toml"


@pytest.fixture(scope="module")
def arsenal():
    raw = tomllib.loads(ARSENAL.read_text(encoding="utf-8"))
    return ({k: Weapon(**v) for k, v in raw["weapons"].items()},
            {k: Vehicle(**v) for k, v in raw["vehicles"].items()},
            {k: Organisation(**v) for k, v in raw["organisations"].items()})


def test_dupuys_tables_are_read_at_their_knots_and_between():
    assert W.rate_of_fire_factor("by_calibre", 0, 105) == 113
    assert W.rate_of_fire_factor("by_calibre", 0, 105, kind="mortar") == pytest.approx(1.2 * 113)
    assert W.rate_of_fire_factor("by_calibre", 0, 125) == pytest.approx((99 + 90) / 2)
    assert W.rate_of_fire_factor("individual", 600, 5.45) == 1200
    assert W.rate_of_fire_factor("crew", 5, 122) == 20


def test_the_d30s_lethality_follows_dupuys_formula_step_by_step(arsenal):
    d30 = arsenal[0]["d30"]
    rf = 4 * 5                                   # crew-served: four times the practical rate
    pts = 2002 + (122 - 120) / 10 * (2437 - 2002)  # targets per strike between 120 and 130 mm
    rn = 0.007 * 690 * 0.1 * 122                 # muzzle energy beats 1 + sqrt(15.4 km)
    assert rn > 1 + math.sqrt(15.4)
    charges = 1 + 0.05 + 0.04 + 0.03 + 0.02      # six charges: four beyond two
    tli = rf * pts * 1.0 * rn * 0.9 * 0.9 * charges
    assert W.weapon_tli(d30) == pytest.approx(tli)
    assert W.weapon_oli(d30, 4000) == pytest.approx(tli / 4000)
    assert W.weapon_oli(d30, 3000) == pytest.approx(tli / 3000)


def test_a_rifles_range_effect_is_the_mean_when_range_wins_and_never_below_one():
    assert W.range_factor("gun", 4000, 10, 5) == pytest.approx((3 + 0.035) / 2)
    assert W.range_factor("mortar", 4000, 10, 5) == pytest.approx(3)
    assert W.range_factor("gun", 1, 1, 1) == 1.0


def test_guidance_barrels_and_charges_raise_lethality(arsenal):
    rpg = arsenal[0]["rpg7"]
    assert W.weapon_tli(rpg.model_copy(update={"guidance": "wire"})) == pytest.approx(
        1.5 * W.weapon_tli(rpg))
    assert W.multiple_barrel_effect(3) == pytest.approx(1 + 1 / 2 + 1 / 3)
    assert W.multiple_charge_effect(2) == 1.0
    assert W.multiple_charge_effect(20) == 1.15


def test_the_t55s_lethality_follows_dupuys_vehicle_formula(arsenal):
    weapons, vehicles, _ = arsenal
    t55 = vehicles["t55"]
    guns = (W.weapon_oli(weapons["gun_d10t"], 4000) + W.weapon_oli(weapons["dshk"], 4000) / 2
            + W.weapon_oli(weapons["sgmt"], 4000) / 3)
    mobility, radius = 0.15 * math.sqrt(51), 0.08 * math.sqrt(600)
    protection = 36 / 4 * math.sqrt(72)
    rate = 4 * 6  # the D-10T's RF
    rapidity = 0.62 + (rate - 20) / 20 * (0.75 - 0.62)  # between 20 (0.62) and 40 (0.75)
    supply = 0.9 + (rate / 43 - 0.5) / 0.1 * 0.02               # between 0.5 (0.9) and 0.6
    expected = (guns * mobility * radius + protection) * rapidity * 0.9 * supply * 1.0 * 1.05
    assert W.vehicle_oli(t55, weapons, 4000) == pytest.approx(expected)
    assert W.vehicle_oli(vehicles["t72"], weapons, 4000) > W.vehicle_oli(t55, weapons, 4000)


def test_a_battalions_armament_sums_its_weapons_by_class(arsenal):
    weapons, vehicles, orgs = arsenal
    arms = W.armament({"d30": 18, "ak74": 320}, weapons, vehicles, 4000)
    assert arms.indirect == pytest.approx(18 * W.weapon_oli(weapons["d30"], 4000))
    assert arms.reach_km == pytest.approx(15.4)
    assert arms.direct == pytest.approx(320 * W.weapon_oli(weapons["ak74"], 4000))
    tanks = W.armament({"t55": 31}, weapons, vehicles, 4000)
    assert tanks.armour == pytest.approx(31 * W.vehicle_oli(vehicles["t55"], weapons, 4000))
    rifles = W.armament(orgs["rifle_battalion_on_foot"].equipment, weapons, vehicles, 4000)
    assert rifles.artillery == pytest.approx(1.3 * W.weapon_oli(weapons["mortar_82"], 4000))
    assert rifles.indirect == 0 and rifles.armour == 0


def test_an_organisation_is_scaled_to_the_battalions_strength():
    scenario = load_scenario(THREE_SIDES)
    guard = scenario.battalion_equipment("town_guard")
    org = scenario.organisations["rifle_battalion_on_foot"]
    assert guard["ak74"] == pytest.approx(org.equipment["ak74"] * 250 / 100)
    assert scenario.battalion_equipment("north_armour") == {"t55": 31, "ak74": 100}


def test_a_tank_battalion_fights_as_tanks_that_the_mountains_hamper():
    model = OperationModel(load_scenario(THREE_SIDES), rng=0)
    tanks, guard = model.battalions["north_armour"], model.battalions["town_guard"]
    combat = model.combat
    flat = combat.weapons_power(tanks, "FLAT_BARE", "fair")
    rugged = combat.weapons_power(tanks, "RUGGED_MIXED", "fair")
    per_man_rifles = combat.weapons_power(guard, "FLAT_BARE", "fair") / guard.strength
    assert flat > 10 * per_man_rifles * tanks.strength  # 31 tanks outgun 300 riflemen
    assert rugged < 0.5 * flat                          # r_wt 0.4 in rugged, wooded ground
    tanks.lose("killed", tanks.strength // 2)
    assert combat.weapons_power(tanks, "FLAT_BARE", "fair") == pytest.approx(
        flat * tanks.strength / tanks.joined)


def test_guns_reach_their_weapons_range_and_are_lost_with_the_road():
    model = OperationModel(load_scenario(ROOT / "scenarios" / "kalbajar_1993_94.toml"), rng=0)
    combat = model.combat
    guns, grad = model.battalions["az_701_art"], model.battalions["az_701_grad"]
    assert combat.gun_reach_km(guns) == pytest.approx(15.4)
    assert combat.gun_reach_km(grad) == pytest.approx(20.38)
    assert combat.gun_reach_km(model.battalions["az_701_1"]) == 0
    before = guns.armament
    guns.abandon_heavy_equipment()
    assert guns.armament.indirect == 0 and combat.gun_reach_km(guns) == 0
    assert guns.armament.infantry == before.infantry


@pytest.mark.parametrize("change, message", [
    ("battalions.militia.equipment.bazooka=3", "battalions.militia.equipment = 'bazooka'"),
    ("battalions.militia.equipment=\"platoon\"", "battalions.militia.equipment = 'platoon'"),
    ("battalions.militia.equipment.ak74=-5", "battalions.militia.equipment.ak74 = -5"),
    ("vehicles.t55.weapons=[\"ray_gun\"]", "vehicles.t55.weapons[0] = 'ray_gun'"),
    ("weapons.ak74.accuracy=1.5", "weapons.ak74.accuracy"),
])
def test_bad_equipment_is_a_clear_error(change, message):
    with pytest.raises(ScenarioError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_scenario(THREE_SIDES, [change])


def test_a_battalion_without_equipment_or_guns_is_named(tmp_path):
    text = THREE_SIDES.read_text(encoding="utf-8").replace(
        'equipment = { ak74 = 180, pkm = 6, dshk = 2 }', "").replace(
        "../../scenarios/", (ROOT / "scenarios").as_posix() + "/")
    path = tmp_path / "bare.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match="battalions.militia.equipment: not given"):
        load_scenario(path)
    with pytest.raises(ScenarioError, match="type 'artillery' with no artillery"):
        load_scenario(THREE_SIDES, ["battalions.militia.type=\"artillery\""])


def test_extends_takes_a_list_merged_in_order(tmp_path):
    scenario = load_scenario(THREE_SIDES)
    assert "d30" in scenario.weapons and scenario.parameters.weather.january_mean_c is not None
    path = tmp_path / "bad.toml"
    path.write_text('extends = []\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match="bad.toml: extends = \\[\\]"):
        load_scenario(path)

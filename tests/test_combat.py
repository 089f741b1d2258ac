"""Combat functions against Dupuy's QJM tables and the CDB90 findings (combat_science §2.1-2.3)."""

import numpy as np
import pytest

from sim.combat import (
    artillery_multiplier,
    attacker_daily_rate,
    defender_daily_rate,
    opposition_factor,
    size_factor,
    split_casualties,
    surprise_power,
)
from sim.parameters import CombatParameters

P = CombatParameters()


@pytest.mark.parametrize(("men", "factor"), [(500, 21), (1000, 8), (2000, 5), (4000, 2.5),
                                             (10000, 1.2), (25000, 1.0), (100000, 0.4)])
def test_size_factor_matches_dupuys_table(men, factor):
    assert size_factor(men, P) == pytest.approx(factor)


@pytest.mark.parametrize(("ratio", "factor"), [(0.1, 2.5), (0.5, 1.35), (1.0, 0.95), (2.0, 0.75),
                                               (3.0, 0.65), (6.0, 0.4)])
def test_opposition_factor_matches_the_qjm_table(ratio, factor):
    assert opposition_factor(ratio, P) == pytest.approx(factor)


def test_tndm_base_rates_at_even_odds():
    # 25,000 men (size factor 1), open ground, fair weather: 0.04 x 0.95 for both sides.
    assert attacker_daily_rate(25000, 1.0, 1.0, 1.0, P) == pytest.approx(0.04 * 0.95)
    assert defender_daily_rate(25000, 1.0, 1.0, 1.0, 1.0, 1.0, P) == pytest.approx(0.04 * 0.95)
    npw = CombatParameters(attacker_daily_rate=0.028, defender_daily_rate=0.015)
    assert defender_daily_rate(25000, 1.0, 1.0, 1.0, 1.0, 1.0, npw) == pytest.approx(0.015 * 0.95)


def test_bad_weather_and_rugged_ground_reduce_casualties():
    open_fair = attacker_daily_rate(600, 1.0, 1.0, 1.0, P)
    rugged_snow = attacker_daily_rate(600, 1.0, P.terrain_casualty["RUGGED_BARE"],
                                      P.weather_casualty_heavy, P)
    assert rugged_snow < 0.2 * open_fair  # Dupuy's verity 7


def test_small_engagements_lose_at_higher_rates():
    assert attacker_daily_rate(500, 1.0, 1, 1, P) > attacker_daily_rate(4000, 1.0, 1, 1, P)


@pytest.mark.parametrize("defenders", [300.0, 600.0, 2000.0])
def test_exchange_ratio_hardly_depends_on_the_force_ratio(defenders):
    # CDB90: ln(A_cas / D_cas) = a ln(A0 / D0) + b with a = +0.07 (1900-1973) to +0.23 (all);
    # the square law would give a = -1 and the linear law a = 0.
    ratios = np.array([0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0])
    attackers = ratios * defenders
    engaged = attackers + defenders
    a_cas = attacker_daily_rate(engaged, ratios, 1, 1, P) * attackers
    d_cas = defender_daily_rate(engaged, 1 / ratios, 1, 1, 1, 1, P) * defenders
    slope = np.polyfit(np.log(ratios), np.log(a_cas / d_cas), 1)[0]
    assert -0.1 <= slope <= 0.4


def test_artillery_takes_its_sourced_share_of_casualties():
    multiplier = artillery_multiplier(1.0, P)
    assert 1 - 1 / multiplier == pytest.approx(P.artillery_casualty_share)
    assert artillery_multiplier(0.0, P) == 1.0
    assert artillery_multiplier(0.5, P) < multiplier


def test_casualty_split_conserves_men_and_captures_more_when_broken():
    rng = np.random.default_rng(0)
    coherent = [split_casualties(rng, 100, False, P) for _ in range(500)]
    broken = [split_casualties(rng, 100, True, P) for _ in range(500)]
    assert all(sum(s.values()) == 100 for s in coherent + broken)
    killed = np.mean([s["killed"] for s in coherent])
    assert killed == pytest.approx(100 * P.killed_share, rel=0.1)  # Chosin: 1 killed to 2 wounded
    assert np.mean([s["missing"] for s in broken]) > 3 * np.mean([s["missing"] for s in coherent])


def test_surprise_raises_the_attackers_power_less_in_mountains_and_snow():
    # QJM operational mobility m = M - (1 - r_m h_m)(M - 1), M the surprise mobility factor.
    assert surprise_power("complete", 1.0, 1.0, P) == pytest.approx(5.0)
    assert surprise_power("substantial", 0.5, 0.5, P) == pytest.approx(1.5)  # rugged, heavy snow
    assert surprise_power("minor", 0.5, 0.9, P) == pytest.approx(1.3 - 0.55 * 0.3)
    assert 1.0 < surprise_power("substantial", 0.5, 0.5, P) < surprise_power(
        "substantial", 1.0, 0.9, P)


def test_a_defender_met_for_the_first_time_takes_the_qjm_surprise_casualties():
    """QJM minor surprise: x1.2 on the defender's casualties in its first contact (§2.2)."""
    from sim.model import OperationModel
    from sim.scenario import load_scenario

    from .test_second_theatre import THEATRE

    def guard_losses_at_first_contact(factor):
        model = OperationModel(load_scenario(THEATRE, [
            f"parameters.combat.surprise_defender_casualty={factor}"]), rng=0)
        guard = model.battalions["town_guard"]
        while guard.first_contact_step is None and model.running:
            model.step()
        assert guard.first_contact_step == model.time
        return guard.joined - guard.strength, model

    plain, _ = guard_losses_at_first_contact(1.0)
    surprised, model = guard_losses_at_first_contact(3.0)
    assert surprised > plain
    contact = next(e for e in model.events if e["event"] == "contact"
                   and "town_guard" in (e["unit"], e["cause"].removeprefix("with ")))
    assert contact["step"] == model.battalions["town_guard"].first_contact_step


def test_guns_fire_on_columns_on_the_march_and_on_pockets_not_on_quiet_posts(scenario,
                                                                            monkeypatch):
    """Out of contact, guns in range hit a column for the hours it marched, a pocket all day."""
    from sim.model import OperationModel

    model = OperationModel(scenario, rng=0)
    combat = model.combat
    monkeypatch.setattr(combat, "artillery_support", lambda side, target: 1.0)
    monkeypatch.setattr(combat.p, "bombardment_daily_rate", 0.5)
    column, post = model.battalions["az_701_1"], model.battalions["az_701_2"]
    pocket = model.battalions["az_712"]
    for unit in (column, post, pocket):
        unit.start_step()
    column.march_hours_step = 6.0
    pocket.encircle()
    combat.bombard([column, post, pocket], contacts={})
    assert column.strength < column.joined and pocket.strength < pocket.joined
    assert post.strength == post.joined

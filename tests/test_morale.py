"""Breakpoints against the CDB90 distribution of losing sides' losses (combat_science §2.3)."""

import numpy as np
import pytest

from sim.calibration import duel_losses
from sim.morale import (
    breakpoint_share_below,
    check_morale,
    draw_breakpoint,
    effective_breakpoint,
)
from sim.parameters import CombatParameters, MoraleParameters

P = MoraleParameters()


def test_breakpoints_follow_their_lognormal():
    rng = np.random.default_rng(1)
    draws = np.array([draw_breakpoint(rng, P) for _ in range(20000)])
    assert np.median(draws) == pytest.approx(P.breakpoint_median, rel=0.03)
    assert (draws < 0.40).mean() == pytest.approx(P.breakpoint_share_below_40, abs=0.01)
    assert breakpoint_share_below(0.40, P) == pytest.approx(P.breakpoint_share_below_40)
    assert draws.max() <= 1.0


def test_losing_sides_quit_at_the_cdb90_losses():
    """In duels at the QJM rates the side that quits has CDB90's losing-side losses (§2.3)."""
    losers, winners, _ = duel_losses(np.random.default_rng(2), P, CombatParameters())
    assert 0.076 <= np.median(losers) <= 0.167  # median losing side: 7.6 % (WWII) - 16.7 % (all)
    assert (losers < 0.40).mean() == pytest.approx(0.81, abs=0.03)  # 80-82 % quit below 40 %
    assert np.all(winners <= 1.0) and np.median(winners) < np.median(losers)


def test_encirclement_hunger_quality_and_surprise_lower_the_breakpoint():
    base = effective_breakpoint(0.2, "good", False, True, False, P)
    assert effective_breakpoint(0.2, "good", True, True, False, P) < base
    assert effective_breakpoint(0.2, "good", False, False, False, P) < base
    assert effective_breakpoint(0.2, "poor", False, True, False, P) < base
    assert effective_breakpoint(0.2, "good", False, True, True, P) < base


def test_a_withdrawing_battalion_that_rallies_goes_on_to_the_exits(scenario):
    from sim.model import OperationModel
    from sim.states import UnitState

    model = OperationModel(scenario, rng=0)
    model.run_for(100)  # the Murov crossed: battalions forward of the exits
    exits = {model.world.places[p] for p in scenario.sides["azerbaijan"].plan.withdrawal.to}
    unit = next(u for u in model.side_units("azerbaijan")
                if u.in_field and u.coordinate not in exits and not u.unit_type.road_bound)
    unit.fall_back_for_supply("omar_pass")
    unit.withdraw()  # the withdrawal order overrides its pause to restock
    assert unit.withdrawing and not unit.resupplying
    unit.fall_back("omar_pass", state=UnitState.BROKEN)  # routed to the nearest post
    unit.rally()
    assert unit.objective_cell in exits and unit.state == UnitState.MARCHING
    model.supply_lines.manage_supply_pause(unit, model.supply_lines.supplied_cells["azerbaijan"])
    assert not unit.resupplying and unit.objective_cell in exits


def test_a_called_off_attack_is_renewed_after_regrouping_even_in_contact(scenario):
    from sim.model import OperationModel
    from sim.scenario import Posture

    model = OperationModel(scenario, rng=0)
    model.run_for(60)
    unit = None
    while unit is None and model.time < scenario.steps:  # the first supplied attacker
        model.run_for(1)
        unit = next((u for u in model.side_units("azerbaijan") if u.in_field
                     and u.task is not None and u.task.posture == Posture.ATTACK
                     and u.supplied and not u.withdrawing
                     and not u.spent), None)  # a spent battalion is not sent in again
    assert unit is not None
    unit.breakpoint = 0.999  # it will not call the attack off again at once
    steps = model.spec.parameters.morale.rally_hours / model.spec.step_hours
    in_contact = {unit.unique_id: []}
    unit.out_of_contact_since = None
    unit.stalled_since = model.time - steps + 1  # a step short of regrouping
    unit.objective_cell = unit.coordinate
    check_morale(model, in_contact)
    assert unit.stalled_since is not None and unit.objective_cell == unit.coordinate
    unit.stalled_since = model.time - steps  # regrouped, still in contact with the enemy
    check_morale(model, in_contact)
    assert unit.stalled_since is None
    assert unit.objective_cell == model.world.places[unit.task.objective]
    assert model.events[-1]["event"] == "attack_resumed"
    assert unit.breakpoint != 0.999  # a new engagement: its breakpoint is drawn again


def test_each_engagement_draws_its_own_breakpoint(scenario):
    """CDB90 counts losses per battle: a rallied battalion draws anew, then the rally factor."""
    from sim.model import OperationModel
    from sim.states import UnitState

    model = OperationModel(scenario, rng=0)
    unit = next(u for u in model.side_units("azerbaijan") if u.in_field)
    draws = []
    for _ in range(20000):
        unit.breakpoint = 0.01  # a timid first battle does not make a timid battalion
        unit.become(UnitState.BROKEN, "a test")
        unit.rally()
        draws.append(unit.breakpoint)
    expected = P.breakpoint_median * P.rallied_breakpoint_factor
    assert np.median(draws) == pytest.approx(expected, rel=0.05)
    assert (np.array(draws) < 0.40 * P.rallied_breakpoint_factor).mean() == pytest.approx(
        P.breakpoint_share_below_40, abs=0.03)


def test_attackers_win_more_duels_at_higher_odds():
    """CDB90: attackers win 41 % at odds up to 1.5, 75 % at 1.5-3, 81 % above 3 (§2.3)."""
    rng, combat = np.random.default_rng(3), CombatParameters()
    wins = [duel_losses(rng, P, combat, duels=20000, odds=odds)[2].mean()
            for odds in ((0.5, 1.5), (1.5, 3.0), (3.0, 8.0))]
    assert wins[0] < wins[1] < wins[2]

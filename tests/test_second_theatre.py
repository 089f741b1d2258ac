"""A second theatre that shares only the terrain file with the historical scenario.

Three sides with their own ids, an armoured column, a town to take, a reinforcement a variant
cancels and a record with a capture milestone (``tests/data/three_sides*.toml``).
"""

import pytest

from sim.model import OperationModel
from sim.output import summarise
from sim.scenario import ScenarioError, load_scenario

from .conftest import ROOT

THEATRE = ROOT / "tests" / "data" / "three_sides.toml"
NO_RELIEF = ROOT / "tests" / "data" / "three_sides_no_relief.toml"


def replay(path, overrides=(), seed=0):
    scenario = load_scenario(path, list(overrides))
    model = OperationModel(scenario, rng=seed)
    model.run_for(scenario.steps)
    return model


@pytest.fixture(scope="module")
def theatre():
    return replay(THEATRE)


def test_three_sides_replay_with_personnel_conserved(theatre):
    summary = summarise(theatre)
    assert set(theatre.spec.sides) == {"north", "south", "hills"}
    assert set(summary["sides"]) == {"north", "south", "hills"}
    for unit in theatre.battalions.values():
        assert unit.strength >= 0
        assert unit.strength + sum(unit.losses.values()) == unit.joined
    assert theatre.battalions["north_armour"].unit_type.road_bound
    assert "town_taken" in summary["milestones"]


def test_the_same_seed_gives_the_same_events(theatre):
    again = replay(THEATRE)
    assert again.events == theatre.events


def test_a_cancelled_reinforcement_never_enters(theatre):
    arrived = [e for e in theatre.events if e["event"] == "reinforcement_arrived"]
    assert [e["unit"] for e in arrived] == ["relief"]
    assert arrived[0]["time"].startswith("1995-03-04")
    cancelled = replay(NO_RELIEF)
    assert "relief" not in cancelled.battalions
    assert not any(e["event"] == "reinforcement_arrived" for e in cancelled.events)
    assert cancelled.reinforced["south"] == 0


def test_a_disabled_battalion_and_depot_are_left_out():
    model = OperationModel(load_scenario(THEATRE, ["battalions.militia.enabled=false",
                                                   "depots.south_base.enabled=false"]), rng=0)
    assert "militia" not in model.battalions
    assert model.depots["south"] == [] and model.depots["north"] == ["north_gate"]


def test_a_side_left_with_nowhere_to_fall_back_to_is_an_error():
    with pytest.raises(ScenarioError, match=r"sides\.hills: no enabled depot"):
        load_scenario(THEATRE, ["depots.hill_store.enabled=false"])


def test_a_phase_after_a_disabled_phase_is_an_error(tmp_path):
    variant = tmp_path / "exploit.toml"
    variant.write_text(f"""extends = "{THEATRE.as_posix()}"
[[sides.north.plan.phases]]
name = "take the river town"
enabled = false
tasks.north_armour = "river_town"
[[sides.north.plan.phases]]
name = "exploit"
after = "take the river town"
tasks.north_rifles = "south_gate"
""")
    with pytest.raises(ScenarioError, match=r"phases\[1\]\.after = 'take the river town': "
                       "that phase is disabled"):
        load_scenario(variant)


def test_an_undefended_town_is_captured_and_scored_as_a_capture():
    model = replay(NO_RELIEF, ["battalions.town_guard.enabled=false"])
    taken = [e for e in model.events if e["event"] == "node_captured"
             and e["place"] == "river_town"]
    assert taken and taken[0]["unit"] == "north"
    milestone = summarise(model)["milestones"]["town_taken"]
    assert milestone["date"] == taken[0]["time"][:10]
    defended = summarise(replay(THEATRE))["milestones"]["town_taken"]
    assert defended["date"] is None or defended["date"] > milestone["date"]


def test_the_opposed_pace_applies_where_the_enemy_opposes_not_in_a_fixed_belt():
    """Empty ground is crossed at the march pace; declared prepared positions slow the advance."""
    undefended = ["battalions.town_guard.enabled=false"]

    def town_taken(overrides):
        model = replay(NO_RELIEF, undefended + overrides)
        return summarise(model)["milestones"]["town_taken"]["date"]

    open_ground = town_taken([])
    behind_posts = town_taken(["sides.south.outposts_km=15"])
    assert open_ground is not None
    assert behind_posts is None or behind_posts > open_ground


def test_validate_runs_the_batch_seeds_into_a_store_it_reuses(tmp_path, capsys):
    from sim.cli import main
    from sim.runner import derive_seed
    from sim.store import ResultStore

    args = ["validate", str(THEATRE), "--runs", "2", "--workers", "1", "--out", str(tmp_path)]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert "River Town taken by the north" in first
    summary = ResultStore(tmp_path).gather_summary(
        sorted(ResultStore(tmp_path).finished_keys()))
    assert sorted(summary["seed"]) == sorted(derive_seed(0, i) for i in range(2))
    assert main(args) == 0  # the finished runs are read back, and score the same
    assert capsys.readouterr().out == first

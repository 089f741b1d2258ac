"""Scenario loading: overrides, extends, and one clear error for each kind of bad input."""

import subprocess
import sys
from pathlib import Path

import pytest

from sim.model import OperationModel
from sim.scenario import ScenarioError, load_scenario

from .conftest import HISTORICAL, ROOT

BASE = HISTORICAL.read_text()


def write(tmp_path: Path, text: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(text.replace('"../data/terrain/', f'"{ROOT}/data/terrain/').replace(
        '"kalbajar_theatre.toml"', f'"{ROOT}/scenarios/kalbajar_theatre.toml"').replace(
        '"soviet_arsenal.toml"', f'"{ROOT}/scenarios/soviet_arsenal.toml"').replace(
        '"kalbajar_record.toml"', f'"{ROOT}/scenarios/kalbajar_record.toml"'))
    return path


THEATRE_LINE = ('    "kalbajar_theatre.toml",  # the theatre\'s climate, winds and passes, '
                'with their sources\n')


def test_historical_scenario_loads_with_its_order_of_battle(scenario):
    az = [b for b in scenario.battalions.values() if b.side == "azerbaijan"]
    first = [b for b in az if b.name.startswith(("701", "712"))]
    assert sum(b.strength for b in first) == 3500  # ~3,500 in December 1993 (S1)
    assert len([b for b in first if b.type == "motor_rifle"]) == 5  # five battalions (S21)
    arriving = [b for b in scenario.reinforcement_ids()
                if scenario.battalions[b].side == "armenia"]
    assert sum(scenario.battalions[b].strength for b in arriving) == 2000  # +2,000 (S1)
    assert scenario.step_hours == 6 and scenario.steps == 328


def test_override_sets_nested_values_with_toml_types():
    s = load_scenario(HISTORICAL, ["battalions.az_712.strength=450", "start_date=1993-09-15",
                                   "parameters.movement.night_marching=true",
                                   "sides.armenia.plan.phases.1.start=1994-02-01"])
    assert s.battalions["az_712"].strength == 450
    assert str(s.start_date) == "1993-09-15"
    assert s.parameters.movement.night_marching is True
    assert str(s.sides["armenia"].plan.phases[1].start) == "1994-02-01"


def test_extends_changes_only_what_is_given(tmp_path):
    path = tmp_path / "variant.toml"
    path.write_text(f'extends = "{HISTORICAL}"\nname = "variant"\n'
                    '[sides.azerbaijan]\nwinter_equipment = 1.0\n')
    s = load_scenario(path)
    assert s.name == "variant"
    assert s.sides["azerbaijan"].winter_equipment == 1.0
    assert s.sides["azerbaijan"].colour == "#1f5fbf"
    assert len(s.battalions) == len(load_scenario(HISTORICAL).battalions)


def expect_error(path: Path, *fragments: str):
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, message
    assert "Traceback" not in message
    return message


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        ('quality = "fair"\n# Assumption: "ill', 'qualty = "fair"\n# Assumption: "ill',
         ["sides.azerbaijan.qualty", "unknown key", "expected quality (or one of"]),
        ("strength = 600\nstart = \"dashkasan\"", "strength = -50\nstart = \"dashkasan\"",
         ["battalions.az_712.strength = -50", "greater than or equal to 0"]),
        ("strength = 180", 'strength = "many"', ["battalions.az_701_grad.strength = 'many'",
                                                 "expected a valid integer"]),
        ("cell_size_m = 1000.0", "cell_size_m = -5.0", ["theatre.cell_size_m = -5.0"]),
        ("step_hours = 6.0", "step_hours = 5.0", ["step_hours = 5.0", "divides the day"]),
        ('start = "toganali"\n\n[battalions.az_701_2]',
         'start = "nowhere"\n\n[battalions.az_701_2]',
         ["battalions.az_701_1.start = 'nowhere'", "expected one of the places"]),
        ('arrives = 1994-02-04', 'arrives = "1994-02-30"',
         ["arrives = '1994-02-30'", "expected a valid date"]),
        ('after = "cross the Murov"', 'after = "later"', ["after = 'later'", "earlier phase"]),
    ],
)
def test_bad_values_name_file_key_value_and_expectation(tmp_path, old, new, fragments):
    assert old in BASE
    expect_error(write(tmp_path, BASE.replace(old, new, 1)), *fragments)


def test_a_date_that_does_not_exist_in_toml_syntax(tmp_path):
    path = write(tmp_path, BASE.replace("start_date = 1993-12-15", "start_date = 1993-02-30"))
    expect_error(path, "start_date = 1993-02-30", "line", "dates as YYYY-MM-DD that exist")


def test_missing_required_key(tmp_path):
    path = write(tmp_path, BASE.replace("duration_days = 82.0", ""))
    expect_error(path, "duration_days: missing")


def test_missing_terrain_file(tmp_path):
    path = write(tmp_path, BASE.replace("kalbajar_globe30.npz", "nowhere.npz"))
    expect_error(path, "theatre.terrain_file", "nowhere.npz", "file not found")


def test_place_outside_the_grid(tmp_path, scenario):
    path = write(tmp_path, BASE.replace("lat = 39.64083", "lat = 39.2"))
    s = load_scenario(path)
    with pytest.raises(ScenarioError) as info:
        OperationModel(s, rng=0)
    message = str(info.value)
    assert str(path) in message and "places.lachin = (39.2, 46.54694)" in message
    assert "outside the grid" in message


def test_unknown_scenario_file(tmp_path):
    expect_error(tmp_path / "missing.toml", "scenario file not found")


def test_bad_override_key_is_reported():
    with pytest.raises(ScenarioError, match=r"parameters\.movement\.marchhours = 3: unknown key"):
        load_scenario(HISTORICAL, ["parameters.movement.marchhours=3"])


def test_the_command_line_prints_the_error_without_a_traceback(tmp_path):
    path = write(tmp_path, BASE.replace("strength = 180", "strength = -1"))
    result = subprocess.run([sys.executable, str(ROOT / "run_sim.py"), "run", str(path),
                             "--quiet", "--no-map", "--out", str(tmp_path / "out")],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"error: {path}: battalions.az_701_grad.strength = -1" in result.stderr


def test_a_road_is_secured_in_defence_between_road_nodes(tmp_path):
    order = 'tasks.az_701_5 = { objective = "omar_pass", posture = "defend" }'
    assert order in BASE
    attack = order.replace('posture = "defend"', 'secure_to = "kalbajar", posture = "attack"')
    expect_error(write(tmp_path, BASE.replace(order, attack, 1)), "tasks.az_701_5.secure_to",
                 "'defend' posture")
    off_road = order.replace('posture = "defend"', 'secure_to = "gamish_peak", posture = "defend"')
    expect_error(write(tmp_path, BASE.replace(order, off_road, 1)), "tasks.az_701_5.secure_to",
                 "'gamish_peak' is not a node of any road")


def test_a_theatre_without_its_climate_is_an_error_naming_the_missing_facts(tmp_path):
    assert THEATRE_LINE in BASE
    path = write(tmp_path, BASE.replace(THEATRE_LINE, ""))
    expect_error(path, "parameters.weather: reference_height_m, january_mean_c",
                 "facts of the theatre have no default")
    dry = BASE.replace(THEATRE_LINE, "").replace(
        "[weather]\nenabled = true", "[weather]\nenabled = false")
    load_scenario(write(tmp_path, dry, "dry.toml"))  # without weather no climate is needed


def test_guns_without_their_range_are_an_error_where_no_weapons_are_listed(tmp_path):
    """Without a weapons table a gun's reach is the scenario's; with one, its weapons'."""
    posts = (ROOT / "tests" / "data" / "winter_posts.toml").read_text(encoding="utf-8")
    posts = posts.replace('"../../', f'"{ROOT}/')
    assert "artillery_range_km = 15.0" in posts
    path = tmp_path / "posts.toml"
    path.write_text(posts.replace("artillery_range_km = 15.0", ""), encoding="utf-8")
    expect_error(path, "parameters.combat.artillery_range_km not given", "artillery")
    disabled = posts.replace("artillery_range_km = 15.0", "").replace(
        'type = "artillery"', 'type = "artillery"\nenabled = false')
    (tmp_path / "no_guns.toml").write_text(disabled, encoding="utf-8")
    load_scenario(tmp_path / "no_guns.toml")  # no guns, no range needed
    assert "rocket_range_km" not in BASE  # the historical guns reach their weapons' range

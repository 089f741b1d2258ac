"""Nothing a user types or a file holds crashes the model or silently lies.

Hypothesis builds broken scenario files and command lines: each must end in exit code 2 and a
message naming the file or the option, never a traceback or a hang, and write nothing.
"""

import datetime as dt
import io
import math
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli import main
from sim.invariants import check_step
from sim.model import OperationModel
from sim.scenario import ScenarioError, load_scenario

from .conftest import HISTORICAL, POSTS

SCENARIO_TEXT = HISTORICAL.read_bytes()
FAST = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


def numeric_keys(node, prefix=""):
    """Key paths of every number in a loaded scenario (what --set can reach)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from numeric_keys(value, f"{prefix}{key}.")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from numeric_keys(value, f"{prefix}{i}.")
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield prefix[:-1]


BASE = load_scenario(POSTS)
KEYS = sorted(set(numeric_keys(BASE.model_dump(mode="python", exclude={"source_file"}))))
ODD_VALUES = st.sampled_from(["nan", "inf", "-inf", "-1e9", "1e12", "0", "-1", "1e308",
                              "'text'", "[1, 2]", "[[[[1]]]]", "{a = 1}", "2000-13-45",
                              "0001-01-01", "true"])


def one_line_naming(message: str, name: str) -> bool:
    """Every line of the message names ``name`` and none is a traceback."""
    lines = message.strip().splitlines()
    return bool(lines) and all(name in line for line in lines) and "Traceback" not in message


@settings(FAST, max_examples=400)
@given(key=st.sampled_from(KEYS), value=ODD_VALUES)
def test_an_odd_value_anywhere_is_refused_by_name_or_runs_sound(key, value):
    """A number set to anything at all: a clear error, or a run that stays sound."""
    try:
        scenario = load_scenario(POSTS, [f"{key}={value}"])
        model = OperationModel(scenario, rng=0)  # the world checks places against its grid
    except ScenarioError as exc:
        assert one_line_naming(str(exc), str(POSTS)) or "--set" in str(exc), str(exc)
        return
    for _ in range(min(8, scenario.steps)):  # a budget of steps: no hang
        model.step()
        check_step(model)


@FAST
@given(offset=st.integers(0, len(SCENARIO_TEXT)),
       junk=st.binary(min_size=1, max_size=8))
def test_any_bytes_in_a_scenario_file_give_one_error_naming_it(tmp_path_factory, offset, junk):
    folder = tmp_path_factory.mktemp("bytes")
    path = folder / "broken.toml"
    text = SCENARIO_TEXT[:offset] + junk + SCENARIO_TEXT[offset:]
    # relative paths of the original file point into scenarios/
    path.write_bytes(text.replace(b'"../data/', b'"' + str(HISTORICAL.parent.parent / "data")
                                  .encode() + b"/").replace(
        b'"kalbajar_', b'"' + str(HISTORICAL.parent).encode() + b"/kalbajar_").replace(
        b'"soviet_', b'"' + str(HISTORICAL.parent).encode() + b"/soviet_"))
    try:
        load_scenario(path)
    except ScenarioError as exc:
        assert one_line_naming(str(exc), str(path)) or str(HISTORICAL.parent) in str(exc), \
            str(exc)


@pytest.mark.parametrize("content, expected", [
    (b"\xff\xfe" + "name = 'x'".encode("utf-16-le"), "is not UTF-8"),
    (b'extends = "nowhere.toml"\n', "extends = 'nowhere.toml'"),
    (b'extends = "."\n', "a folder"),
    (b'extends = ""\n', "expected a path"),
    (b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply"),
    (b"", "missing"),
])
def test_broken_files_name_the_file_holding_the_fault(tmp_path, content, expected):
    path = tmp_path / "variant.toml"
    path.write_bytes(content)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert str(path) in str(caught.value) and expected in str(caught.value)


def test_a_base_with_a_bad_byte_is_named_with_its_line(tmp_path):
    (tmp_path / "base.toml").write_bytes(b"# caf\xe9\nname = 'base'\n")
    (tmp_path / "variant.toml").write_text('extends = "base.toml"\n')
    with pytest.raises(ScenarioError, match=r"base\.toml: line 1: byte 0xE9"):
        load_scenario(tmp_path / "variant.toml")


def test_extends_loops_are_caught(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n')
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="loops back"):
        load_scenario(tmp_path / "a.toml")


@pytest.mark.parametrize("change, expected", [
    ("battalions.village_post.strength=1000000000000", "battalions.village_post.strength"),
    ("step_hours=0.001", "step_hours"),
    ("start_date=0001-01-01", "start_date = 0001-01-01"),
    ("shift_schedule_days=100000", "shift_schedule_days"),
    ("shifted_by_days=10", "shift_schedule_days"),
    ("weather.snowfall_multiplier=inf", "finite"),
    ("weather.temperature_offset_c=nan", "finite"),
    ("parameters.weather.january_mean_c=-1e9", "january_mean_c"),
    ("parameters.cold.injury_per_dos=1", "expected injury_per_dose"),
])
def test_values_no_campaign_can_have_are_refused_before_the_run(change, expected):
    with pytest.raises(ScenarioError, match=expected.replace(".", r"\.")):
        load_scenario(POSTS, [change])


def test_a_battalion_in_two_arrivals_is_refused():
    with pytest.raises(ScenarioError, match="already arrives"):
        load_scenario(HISTORICAL, ["sides.azerbaijan.plan.reinforcements.1.battalions="
                                   "['az_reserve_1', 'az_130_1']"])


def test_a_broken_record_is_named_before_the_run(tmp_path):
    record = tmp_path / "record.toml"
    record.write_text('name = "x"\n[milestones.a]\nlabel = "a"\ntype = "reach"\n'
                      'side = "nobody"\nsource = "s"\n')
    with pytest.raises(ScenarioError, match=r"record\.toml: milestones\.a\.side = 'nobody'"):
        load_scenario(HISTORICAL, [f"record='{record}'"])
    record.write_text("not a record = [")
    with pytest.raises(ScenarioError, match=r"record\.toml: not valid TOML"):
        load_scenario(HISTORICAL, [f"record='{record}'"])


def run_cli(argv):
    """Exit code, stdout and stderr of the command line, run in this process."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code
    return code, out.getvalue(), err.getvalue()


BAD_NUMBERS = st.sampled_from(["-1", "0", "-5", "x", "1.5", "", "nan", "1e99", "inf",
                               str(2 ** 63), str(2 ** 70)])
OPTIONS = st.sampled_from([
    ("run", "--seed"), ("validate", "--runs"), ("validate", "--workers"),
    ("validate", "--seed"), ("validate", "--target"), ("batch", "--runs"),
    ("batch", "--workers"), ("batch", "--group"), ("batch", "--seed"),
    ("calibrate", "--points"), ("calibrate", "--runs"), ("calibrate", "--top"),
    ("run", "--frame-hours")])


def accepted(flag, value):
    """Whether the option takes the value (then the bad --out stops the command instead)."""
    try:
        number = float(value)
    except ValueError:
        return False
    if flag == "--target":
        return 0 <= number <= 1
    if flag == "--frame-hours":
        return 0 < number <= 8760
    if not value.lstrip("-").isdigit():
        return False
    if flag == "--seed":
        return 0 <= int(value) < 2 ** 63
    return 1 <= int(value) <= 1_000_000


@settings(max_examples=40, deadline=None, derandomize=True)
@given(option=OPTIONS, value=BAD_NUMBERS)
def test_a_bad_option_exits_2_naming_it(option, value):
    command, flag = option
    # an output folder below a file: a value accepted fails at once on it, and runs nothing
    code, out, err = run_cli([command, f"{flag}={value}", "--out", str(HISTORICAL / "out")])
    assert code == 2, (option, value, err)
    named = "--out" if accepted(flag, value) else flag
    assert named in err.strip().splitlines()[-1] and "Traceback" not in err


@pytest.mark.parametrize("argv, expected", [
    (["run", "--out", "/etc/passwd"], "a file"),
    (["run", "--out", "/proc/no/such"], "cannot write there"),
    (["run", "--set", "weather.snowfall_multiplier=inf"], "finite"),
    (["run", "--set", "shifted_by_days=10"], "shift_schedule_days"),
])
def test_bad_command_lines_exit_2_before_running(argv, expected, tmp_path):
    code, out, err = run_cli(argv + ([] if "--out" in argv else ["--out", str(tmp_path / "o")]))
    assert code == 2 and expected in err and "Traceback" not in err
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_a_checked_run_holds_its_invariants_over_several_seeds():
    scenario = load_scenario(POSTS, ["duration_days=6"])
    for seed in range(3):
        model = OperationModel(scenario, rng=seed)
        while model.running:
            model.step()
            check_step(model)


def test_the_check_catches_lost_men():
    from sim.invariants import InvariantBroken

    model = OperationModel(load_scenario(POSTS), rng=0)
    model.step()
    unit = model.battalions["village_post"]
    unit.losses["killed"] += 5  # men counted dead who were never taken from the ranks
    with pytest.raises(InvariantBroken, match="alive"):
        check_step(model)


def test_dates_and_numbers_in_bounds_load():
    scenario = load_scenario(POSTS, ["start_date=1994-01-05", "weather.temperature_offset_c=-10"])
    assert scenario.start_date == dt.date(1994, 1, 5)
    assert math.isfinite(scenario.weather.temperature_offset_c)
    assert Path(scenario.source_file) == POSTS


def test_an_empty_terrain_file_is_named(tmp_path):
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    scenario = load_scenario(POSTS, [f"theatre.terrain_file='{empty}'"])
    with pytest.raises(ScenarioError, match=r"empty\.npz: cannot be read as a \.npz archive"):
        OperationModel(scenario, rng=0)

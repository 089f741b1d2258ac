"""Calibration within sourced ranges: ranges files, scoring and ranking of design points."""

import re
import subprocess
import sys

import pandas as pd
import pytest

from sim.calibration import check_fitted, load_ranges, misses, rank_points, reach
from sim.scenario import ScenarioError, load_scenario
from sim.scoring import Record, score_batch

from .conftest import HISTORICAL, POSTS, ROOT

DEFAULT_RANGES = ROOT / "scenarios" / "calibration_ranges.toml"

RECORD = Record.model_validate({
    "name": "test record",
    "milestones": {
        "early": {"label": "early", "type": "reach", "side": "blue", "places": ["a"],
                  "window": ["1994-01-01", "1994-01-10"], "source": "test"},
        "count": {"label": "count", "type": "encircled_count", "side": "blue",
                  "range": [1, 3], "source": "test"},
    },
    "casualties": {
        "blue_dead": {"label": "blue dead", "side": "blue", "measure": "dead",
                      "range": [100, 200], "record": [150, 150], "source": "test"},
    },
})


def runs(point, dates, counts, dead):
    return pd.DataFrame({"point": point, "status": "ok", "milestone_early": dates,
                         "milestone_count": counts, "blue_dead": dead,
                         "blue_cold_dead": 0})


def test_a_point_meeting_more_fitted_targets_ranks_first_whatever_its_loss():
    summary = pd.concat([
        # point 0: the date always in its window, counts never, dead far too low
        runs(0, ["1994-01-05"] * 4, [0] * 4, [10] * 4),
        # point 1: date in half the runs, counts always, dead in range
        runs(1, ["1994-01-05", "1994-01-05", "1994-02-01", ""], [2] * 4, [150] * 4),
        # point 2: nothing met, but near
        runs(2, ["1994-01-05", "1994-02-01", "", ""], [0, 0, 2, 2], [90] * 4),
    ])
    design = pd.DataFrame({"point": [0, 1, 2], "x": [0.1, 0.2, 0.3]})
    table = rank_points(summary, design, RECORD, [], target=0.6)
    assert list(table["point"]) == [1, 0, 2]
    best = table.iloc[0]
    assert best["fitted_met"] == 2 and best["x"] == 0.2
    assert best["early"] == pytest.approx(0.5)
    assert best["early_miss"] == pytest.approx(0.1)
    assert best["blue_dead_miss"] == 0.0
    assert table.set_index("point").loc[0, "blue_dead_miss"] == pytest.approx(0.9)
    reached = reach(table, RECORD).set_index("target")
    assert reached.loc["early", "best"] == 1.0 and reached.loc["early", "point"] == 0
    assert reached.loc["blue_dead", "met_by"] == 1


def test_held_out_targets_are_scored_but_never_ranked_on():
    summary = pd.concat([runs(0, ["1994-01-05"] * 2, [0, 0], [150, 150]),
                         runs(1, ["1994-03-01"] * 2, [2, 2], [10, 10])])
    design = pd.DataFrame({"point": [0, 1]})
    fitted_on_count = rank_points(summary, design, RECORD, ["count"])
    assert list(fitted_on_count["point"]) == [1, 0]
    fitted_on_dates = rank_points(summary, design, RECORD, ["early", "blue_dead"])
    assert list(fitted_on_dates["point"]) == [0, 1]
    assert fitted_on_dates.set_index("point").loc[1, "count_met"]  # still reported


def test_a_casualty_median_misses_by_its_distance_from_the_nearer_bound():
    score = score_batch(runs(0, ["1994-01-05"], [2], [300]), RECORD)
    assert misses(score, RECORD, 0.6)["blue_dead"] == pytest.approx(0.5)
    score = score_batch(runs(0, ["1994-01-05"], [2], [50]), RECORD)
    assert misses(score, RECORD, 0.6)["blue_dead"] == pytest.approx(0.5)


def test_an_unknown_target_to_fit_is_named():
    with pytest.raises(ScenarioError, match="--fit nope: not a target.*early, count"):
        check_fitted(RECORD, ["nope"])


@pytest.mark.parametrize("text, message", [
    ("", r"expected a \[ranges\] table"),
    ('[ranges."a.b"]\nlow = 2\nhigh = 1\nsource = "s"', r"ranges.'a.b': expected low < high"),
    ('[ranges."a.b"]\nlow = "x"\nhigh = 1\nsource = "s"', r"ranges.'a.b'.low: expected a number"),
    ('[ranges."a.b"]\nlow = 0\nhigh = 1', r"ranges.'a.b'.source: expected the source"),
    ('[ranges."a.b"]\nlow = 0\nhigh = 1\nsource = "s"\nstep = 2', r"unknown keys \['step'\]"),
    ("[ranges", "not valid TOML"),
])
def test_a_bad_ranges_file_names_the_file_and_the_key(tmp_path, text, message):
    path = tmp_path / "ranges.toml"
    path.write_text(text)
    with pytest.raises(ScenarioError, match=message) as caught:
        load_ranges(path)
    assert str(path) in str(caught.value)


def test_the_shipped_ranges_are_sourced_scenario_keys_holding_the_defaults():
    """Each range names a value of the scenario, and today's value lies inside it."""
    ranges = load_ranges(DEFAULT_RANGES)
    assert ranges
    scenario = load_scenario(HISTORICAL)
    for r in ranges:
        assert len(r.source) > 20
        group, name = r.key.split(".")[1:]
        value = getattr(getattr(scenario.parameters, group), name)
        assert r.low <= value <= r.high, r.key
        for bound in (r.low, r.high):
            load_scenario(HISTORICAL, [f"{r.key}={bound!r}"])


def test_calibrate_ranks_a_small_batch_and_resumes_it(tmp_path):
    record = tmp_path / "record.toml"
    record.write_text(
        'name = "posts"\n'
        '[milestones.column_at_pass]\nlabel = "column at the pass"\ntype = "reach"\n'
        'side = "blue"\nplaces = ["omar_pass"]\nkm = 3.0\n'
        'window = [1994-01-05, 1994-01-25]\nsource = "test"\n'
        '[casualties.blue_dead]\nlabel = "blue dead"\nside = "blue"\nmeasure = "dead"\n'
        'range = [0, 1000]\nrecord = [10, 10]\nsource = "test"\n')
    scenario = tmp_path / "posts.toml"
    scenario.write_text(f'extends = "{POSTS}"\nrecord = "record.toml"\n')
    ranges = tmp_path / "ranges.toml"
    ranges.write_text('[ranges."sides.blue.winter_equipment"]\nlow = 0.0\nhigh = 1.0\n'
                      'source = "test range"\n')
    out = tmp_path / "out"
    command = [sys.executable, str(ROOT / "run_sim.py"), "calibrate", str(scenario),
               "--ranges", str(ranges), "--points", "2", "--runs", "1", "--workers", "1",
               "--quiet", "--out", str(out)]
    first = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "column at the pass" in first.stdout and "best 2 points" in first.stdout
    table = pd.read_csv(out / "calibration.csv")
    assert sorted(table["point"]) == [0, 1]
    assert {"sides.blue.winter_equipment", "column_at_pass", "blue_dead_met", "loss"} <= set(
        table.columns)
    again = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "0 runs done, 2 already stored" in again.stdout


def test_calibrate_without_a_ranges_file_says_so(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "run_sim.py"), "calibrate", "--ranges",
         str(tmp_path / "none.toml")], capture_output=True, text=True)
    assert result.returncode == 2
    assert "none.toml: calibration ranges file not found" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("ranges_text, extra, message", [
    ('[ranges."parameters.combat.nope"]\nlow = 0.0\nhigh = 1.0\nsource = "s"', [],
     r"ranges.toml: ranges.'parameters.combat.nope' is not a value of the scenario"),
    ('[ranges."parameters.combat.killed_share"]\nlow = 0.2\nhigh = 0.4\nsource = "s"',
     ["--points", "0"], r"argument --points: '0': expected a whole number from 1"),
])
def test_calibrate_names_a_range_the_scenario_lacks_and_an_empty_design(
        tmp_path, ranges_text, extra, message):
    ranges = tmp_path / "ranges.toml"
    ranges.write_text(ranges_text)
    result = subprocess.run(
        [sys.executable, str(ROOT / "run_sim.py"), "calibrate", "--ranges", str(ranges),
         "--out", str(tmp_path / "out"), *extra], capture_output=True, text=True)
    assert result.returncode == 2
    assert re.search(message, result.stderr), result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()

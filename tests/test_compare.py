"""What-ifs beside their base: the same seeds, paired differences, bootstrap intervals."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sim.compare import comparison_table, paired_difference, run_measures, shifted_window
from sim.record import load_record

from .conftest import HISTORICAL, POSTS, ROOT
from .test_input_errors import run_cli

RECORD = load_record(ROOT / "scenarios" / "kalbajar_record.toml")


def test_paired_difference_is_the_mean_of_per_seed_differences_with_a_covering_interval():
    rng = np.random.default_rng(0)
    base = pd.Series([10.0, 20.0, 30.0, 40.0], index=[1, 2, 3, 4])
    variant = pd.Series([12.0, 21.0, 33.0, np.nan], index=[1, 2, 3, 4])  # seed 4: no value
    mean, low, high, pairs = paired_difference(base, variant, rng)
    assert pairs == 3 and mean == pytest.approx(2.0)
    assert 1.0 <= low <= mean <= high <= 3.0
    same, lo, hi, _ = paired_difference(base, base, rng)
    assert same == lo == hi == 0.0


def test_a_shifted_variant_is_scored_against_windows_moved_by_its_shift():
    window = (dt.date(1994, 2, 8), dt.date(1994, 2, 20))
    assert shifted_window(window, -91) == (dt.date(1993, 11, 9), dt.date(1993, 11, 21))
    rows = pd.DataFrame({"seed": [0, 1], "milestone_omar_road_cut": ["1993-11-12", ""]})
    frame, _ = run_measures(rows, RECORD, [], dt.date(1993, 12, 15), shift_days=-91)
    hit = frame["Omar Pass road cut by Armenian units: in window"]
    assert hit.tolist() == [1.0, 0.0]  # inside the moved window; never is a miss
    days = frame["Omar Pass road cut by Armenian units: date (difference in days)"]
    assert days.iloc[0] == (dt.date(1993, 11, 12) - dt.date(1993, 9, 15)).days
    assert np.isnan(days.iloc[1])


def test_the_table_pairs_runs_by_seed():
    base = pd.DataFrame({"x: dead": [100.0, 200.0]}, index=[5, 6])
    variant = pd.DataFrame({"x: dead": [150.0, 230.0]}, index=[6, 5])  # another order
    from sim.compare import Measure

    table = comparison_table({"b": base, "v": variant}, [Measure("x: dead")], "b")
    row = table.iloc[0]
    assert row["difference"] == pytest.approx(((230 - 100) + (150 - 200)) / 2)
    assert row["base"] == 150.0 and row["value"] == 190.0


def test_compare_runs_base_and_variants_on_the_same_seeds(tmp_path):
    variant = tmp_path / "colder.toml"
    variant.write_text(f'extends = "{POSTS}"\nname = "colder"\n[weather]\n'
                       "temperature_offset_c = -15\n")
    code, out, err = run_cli(["compare", str(POSTS), str(variant), "--runs", "2",
                              "--workers", "1", "--quiet", "--out", str(tmp_path / "cmp")])
    assert code == 0, err
    assert out.count("colder against winter_posts") == 1  # the table printed once
    assert "blue: dead of hypothermia" in out
    table = pd.read_csv(tmp_path / "cmp" / "comparison.csv")
    assert set(table["variant"]) == {"colder"} and (table["pairs"] == 2).all()
    assert (tmp_path / "cmp" / "comparison.png").stat().st_size > 0
    summary = pd.read_parquet(tmp_path / "cmp" / "summary.parquet")
    seeds = summary.groupby("point")["seed"].apply(sorted)
    assert seeds.iloc[0] == seeds.iloc[1]  # the same seeds for base and variant


def test_compare_needs_a_variant():
    code, out, err = run_cli(["compare", str(HISTORICAL)])
    assert code == 2 and "VARIANT" in err


def test_dated_measures_show_their_median_dates_on_each_scenarios_calendar():
    from sim.compare import Measure

    label = "x: date (difference in days)"
    base = pd.DataFrame({label: [10.0, 12.0]}, index=[1, 2])
    shifted = pd.DataFrame({label: [8.0, 9.0]}, index=[1, 2])
    table = comparison_table({"b": base, "s": shifted}, [Measure(label, dated=True)], "b",
                             origins={"b": dt.date(1993, 12, 15), "s": dt.date(1993, 9, 15)})
    row = table.iloc[0]
    assert row["base_date"] == "1993-12-26" and row["date"] == "1993-09-23"
    assert row["difference"] == pytest.approx(-2.5)

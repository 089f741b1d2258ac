"""Batches: reproducible seeds, resumable storage, failures as data, any executor."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

import sim
from sim import runner
from sim.batch import BatchDefinition, execute, open_executor, plan_batch
from sim.designs import Range, factorial, parse_range, parse_sweep, sample, sensitivity
from sim.runner import derive_seed, run_key
from sim.scenario import ScenarioError
from sim.store import ResultStore

from .conftest import POSTS, ROOT

SWEEP = "sides.blue.winter_equipment=0.2,0.9"


def batch_command(out, *extra):
    return [sys.executable, str(ROOT / "run_sim.py"), "batch", str(POSTS), "--sweep", SWEEP,
            "--quiet", "--out", str(out), *extra]


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    """A summary without its wall-clock column, in key order."""
    return frame.drop(columns="seconds").sort_values("key").reset_index(drop=True)


def wait_for_stored_runs(out, count, timeout=120):
    """Wait until a running batch has stored ``count`` runs; returns its summary folder."""
    summary_dir = out / "runs" / "summary"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if summary_dir.exists() and len(list(summary_dir.glob("*.parquet"))) >= count:
            break
        time.sleep(0.05)
    return summary_dir


@pytest.fixture(scope="module")
def reference_batch(tmp_path_factory):
    """Two points x 6 seeds of the small winter scenario, uninterrupted, on 2 workers."""
    out = tmp_path_factory.mktemp("reference")
    subprocess.run(batch_command(out, "--runs", "6", "--workers", "2"), check=True)
    return sim.load_batch(out)


def test_seeds_come_from_seed_sequence_and_differ():
    seeds = [derive_seed(0, i) for i in range(100)]
    assert len(set(seeds)) == 100
    assert seeds == [derive_seed(0, i) for i in range(100)]
    assert derive_seed(1, 0) != derive_seed(0, 0)
    expected = np.random.SeedSequence(0, spawn_key=(3,)).generate_state(1, dtype=np.uint32)[0]
    assert seeds[3] == int(expected)


def test_run_key_changes_with_each_part():
    base = run_key("scenario", ["a=1"], 5, "code")
    assert base == run_key("scenario", ["a=1"], 5, "code")
    assert len({base, run_key("other", ["a=1"], 5, "code"), run_key("scenario", ["a=2"], 5,
               "code"), run_key("scenario", ["a=1"], 6, "code"),
               run_key("scenario", ["a=1"], 5, "new code")}) == 5


def test_plan_gives_points_times_seeds_with_design_columns():
    batch = plan_batch(BatchDefinition([POSTS], runs=3, sweeps=[SWEEP,
                                        "parameters.cold.bivouac_exposure_share=0.3,0.6"]))
    assert len(batch.points) == 4 and len(batch.runs) == 12
    assert len({spec.key for spec in batch.runs}) == 12
    equipment = {p.scenario.battalion_winter_equipment("column") for p in batch.points}
    assert equipment == {0.2, 0.9}
    assert {s.seed for s in batch.runs} == {derive_seed(0, i) for i in range(3)}


def test_batch_stores_one_row_per_run_and_loads_in_one_call(reference_batch):
    summary = reference_batch.summary
    assert len(summary) == 12 and summary["key"].is_unique
    assert set(summary["status"]) == {"ok"}
    assert {"seed", "point", "sides.blue.winter_equipment", "blue_dead", "blue_cold_dead"} <= \
        set(summary.columns)
    assert set(summary["sides.blue.winter_equipment"]) == {0.2, 0.9}
    series = reference_batch.timeseries
    assert set(series["key"]) == set(summary["key"])
    assert series.groupby("key").size().nunique() == 1  # every run has the whole series
    assert set(reference_batch.events["key"]) <= set(summary["key"])
    manifest = reference_batch.manifest
    assert manifest["runs"] == 12 and "mesa" in manifest["versions"]
    assert manifest["resolved_scenarios"][str(POSTS)]["name"] == "winter_posts"


def test_same_command_again_skips_every_finished_run(reference_batch, tmp_path):
    out = reference_batch.root
    before = {p.name: p.stat().st_mtime_ns for p in (out / "runs" / "summary").iterdir()}
    done = subprocess.run(batch_command(out, "--runs", "6", "--workers", "2"),
                          capture_output=True, text=True, check=True)
    assert "0 runs done, 12 already stored" in done.stdout
    after = {p.name: p.stat().st_mtime_ns for p in (out / "runs" / "summary").iterdir()}
    assert before == after


def test_one_worker_gives_the_same_results_as_two(reference_batch, tmp_path):
    subprocess.run(batch_command(tmp_path, "--runs", "6", "--workers", "1"), check=True)
    one = sim.load_batch(tmp_path)
    pd.testing.assert_frame_equal(comparable(one.summary), comparable(reference_batch.summary))
    key = ["key", "step"]
    pd.testing.assert_frame_equal(
        one.timeseries.sort_values(key).reset_index(drop=True),
        reference_batch.timeseries.sort_values(key).reset_index(drop=True))


def test_dask_local_cluster_gives_the_same_results(reference_batch, tmp_path):
    pytest.importorskip("dask.distributed")
    subprocess.run(batch_command(tmp_path, "--runs", "6", "--workers", "2", "--dask",
                                 "local"), check=True, timeout=300)
    pd.testing.assert_frame_equal(comparable(sim.load_batch(tmp_path).summary),
                                  comparable(reference_batch.summary))


def test_batch_killed_with_sigkill_completes_on_restart(reference_batch, tmp_path):
    command = batch_command(tmp_path, "--runs", "6", "--workers", "2", "--group", "1")
    process = subprocess.Popen(command, start_new_session=True)
    summary_dir = wait_for_stored_runs(tmp_path, 3)
    os.killpg(process.pid, signal.SIGKILL)  # the driver and its workers, mid-batch
    process.wait()
    stored = len(list(summary_dir.glob("*.parquet")))
    assert 3 <= stored < 12, "the batch must be killed part-way through"

    restart = subprocess.run(command, capture_output=True, text=True, check=True)
    assert f"{12 - stored} runs done, {stored} already stored" in restart.stdout
    resumed = sim.load_batch(tmp_path)
    assert resumed.summary["key"].is_unique and len(resumed.summary) == 12
    pd.testing.assert_frame_equal(comparable(resumed.summary),
                                  comparable(reference_batch.summary))
    assert not list(tmp_path.rglob(".*.tmp"))
    assert resumed.timeseries.groupby("key").size().nunique() == 1


def test_interrupted_batch_keeps_what_finished(tmp_path):
    # far more runs than can finish before the interrupt, even on an idle machine
    command = batch_command(tmp_path, "--runs", "40", "--workers", "1", "--group", "1")
    # Ctrl-C as in a terminal: a test runner's worker may ignore SIGINT, and a child inherits that
    process = subprocess.Popen(command, start_new_session=True, stderr=subprocess.PIPE,
                               text=True, preexec_fn=lambda: signal.signal(signal.SIGINT,
                                                                           signal.SIG_DFL))
    wait_for_stored_runs(tmp_path, 2)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole process group
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "run the same command again" in err
    partial = pd.read_parquet(tmp_path / "summary.parquet")
    assert 2 <= len(partial) < 80


class FailingModel(runner.OperationModel):
    """The model, raising on one seed."""

    bad_seed = None

    def __init__(self, scenario, rng=None):
        if rng == FailingModel.bad_seed:
            raise RuntimeError(f"bad seed {rng}")
        super().__init__(scenario, rng=rng)


def test_a_failing_run_is_recorded_and_the_others_finish(tmp_path, monkeypatch):
    batch = plan_batch(BatchDefinition([POSTS], runs=4))
    FailingModel.bad_seed = batch.runs[1].seed
    monkeypatch.setattr(runner, "OperationModel", FailingModel)
    store = ResultStore(tmp_path)
    with ThreadPoolExecutor(2) as pool:
        report = execute(batch, store, pool, workers=2, group=2, progress=False)
    assert (report.finished, report.failed) == (3, 1)
    summary = sim.load_batch(tmp_path).summary
    failed = summary[summary["status"] == "failed"]
    assert list(failed["seed"]) == [FailingModel.bad_seed]
    assert "RuntimeError: bad seed" in failed["error"].iloc[0]
    assert (summary["status"] == "ok").sum() == 3

    FailingModel.bad_seed = None  # the cause is fixed: only the failed run goes again
    with ThreadPoolExecutor(2) as pool:
        again = execute(batch, store, pool, workers=2, progress=False)
    assert (again.skipped, again.finished, again.failed) == (3, 1, 0)
    assert set(sim.load_batch(tmp_path).summary["status"]) == {"ok"}
    assert not list((tmp_path / "runs" / "failed").glob("*.parquet"))


def test_a_folder_holding_another_batch_is_refused(reference_batch):
    done = subprocess.run(batch_command(reference_batch.root, "--runs", "3"),
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "holds a different batch" in done.stderr and "Traceback" not in done.stderr


def test_the_runs_of_another_version_of_the_model_are_set_aside(tmp_path):
    """Runs of two versions of the model never share a folder: their keys differ."""
    out = tmp_path / "batch"
    subprocess.run(batch_command(out, "--runs", "1"), check=True)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["code_version"] = "0" * 16  # as an earlier version of the model wrote it
    (out / "manifest.json").write_text(json.dumps(manifest))
    old = sorted(p.name for p in (out / "runs" / "summary").glob("*.parquet"))
    done = subprocess.run(batch_command(out, "--runs", "1"), capture_output=True, text=True)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert "another version of the model" in done.stderr and "0" * 16 in done.stderr
    kept = out / "superseded" / ("0" * 16)
    assert sorted(p.name for p in (kept / "runs" / "summary").glob("*.parquet")) == old
    assert json.loads((kept / "manifest.json").read_text())["code_version"] == "0" * 16
    assert len(sim.load_batch(out).summary) == 2  # this version's runs, run again
    assert len(list((out / "runs" / "summary").glob("*.parquet"))) == 2


def test_a_version_set_aside_twice_keeps_both_sets_of_runs(tmp_path):
    """A folder that went from version A to B and back: A's runs of both times are kept."""
    store = ResultStore(tmp_path / "batch")
    set_aside = []
    for time_round in (1, 2):
        store.prepare()
        (store.table_dir("summary") / f"run{time_round}.parquet").write_text("a run")
        (store.root / "manifest.json").write_text(json.dumps({"round": time_round}))
        set_aside.append(store.set_aside_version("a" * 16))
    assert set_aside == [store.root / "superseded" / ("a" * 16),
                      store.root / "superseded" / f"{'a' * 16}.2"]
    for time_round, kept in enumerate(set_aside, start=1):
        assert json.loads((kept / "manifest.json").read_text()) == {"round": time_round}
        assert [p.name for p in (kept / "runs" / "summary").iterdir()] == [
            f"run{time_round}.parquet"]
    assert list(store.table_dir("summary").iterdir()) == []  # a clean folder for this version


def test_a_batch_loads_only_the_series_and_events_of_its_own_runs(reference_batch, tmp_path):
    out = tmp_path / "copy"
    shutil.copytree(reference_batch.root, out)
    for table in ("timeseries", "events"):  # a run left over from another batch
        stray = next((out / "runs" / table).glob("*.parquet"))
        shutil.copy(stray, stray.with_name("0" * 20 + ".parquet"))
    batch = sim.load_batch(out)
    assert set(batch.events["key"]) <= set(batch.summary["key"])
    assert set(batch.timeseries["key"]) == set(batch.summary["key"])
    assert len(batch.timeseries) == len(reference_batch.timeseries)
    assert len(batch.events) == len(reference_batch.events)


@pytest.mark.parametrize("extra, message", [
    (["--range", "a=1:2"], "--range needs --design"),
    (["--design", "sobol", "--samples", "3", "--range", "parameters.cold.bivouac_exposure_share="
      "0:1"], "power of two"),
    (["--design", "lhs", "--samples", "4"], "give the ranges"),
    (["--sweep", "sides.blue.winter_equipment"], "expected key.path=value1,value2"),
    (["--sweep", "sides.blue.winter_equipment=2.0"], "winter_equipment"),
    (["--design", "lhs", "--samples", "4", "--range", "x=5:1"], "low < high"),
])
def test_bad_batch_input_gets_one_clear_line(tmp_path, extra, message):
    done = subprocess.run([sys.executable, str(ROOT / "run_sim.py"), "batch", str(POSTS),
                           "--out", str(tmp_path), "--quiet", *extra],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


# --------------------------------------------------------------------------- designs


def test_factorial_and_range_kinds():
    assert len(factorial([parse_sweep("a=1,2,3"), parse_sweep("b=x,y")])) == 6
    assert factorial([]) == [{}]
    assert parse_range("start_date=1993-09-15:1993-12-15").kind == "date"
    assert parse_range("shift_schedule_days=-60:20").kind == "int"
    assert parse_range("a.b=0:1.5").kind == "float"


def test_latin_hypercube_puts_one_sample_in_each_stratum():
    ranges = [Range("a", 0.0, 10.0, "float"), Range("b", -5.0, 5.0, "int")]
    matrix, points = sample("lhs", ranges, 20, seed=3)
    assert matrix.shape == (20, 2)
    strata = np.floor((matrix - [0.0, -5.0]) / [10.0, 10.0] * 20).astype(int)
    for column in strata.T:
        assert sorted(column) == list(range(20))
    assert all(isinstance(p["b"], int) for p in points)
    again, _ = sample("lhs", ranges, 20, seed=3)
    np.testing.assert_array_equal(matrix, again)


def test_design_sizes_follow_salib():
    pytest.importorskip("SALib")
    ranges = [Range(k, 0.0, 1.0, "float") for k in "abc"]
    assert len(sample("morris", ranges, 5, seed=0)[1]) == 5 * (3 + 1)
    assert len(sample("sobol", ranges, 16, seed=0)[1]) == 16 * (3 + 2)


@pytest.mark.parametrize("design, samples", [("morris", 20), ("sobol", 256)])
def test_sensitivity_ranks_the_parameter_that_matters(design, samples):
    pytest.importorskip("SALib")
    ranges = [Range("strong", 0.0, 1.0, "float"), Range("inert", 0.0, 1.0, "float")]
    matrix, _ = sample(design, ranges, samples, seed=1)
    rows = [{"point": i, "status": "ok", "y": 10 * x[0] + 0.0 * x[1] + 0.1 * (seed - 0.5)}
            for i, x in enumerate(matrix) for seed in (0, 1)]  # two seeds per point
    table = sensitivity(design, ranges, matrix, pd.DataFrame(rows), ["y"], seed=1)
    by = table.set_index("parameter")
    if design == "morris":
        assert by.loc["strong", "mu_star"] == pytest.approx(10, rel=1e-6)
        assert by.loc["inert", "mu_star"] == pytest.approx(0, abs=1e-9)
    else:
        assert by.loc["strong", "ST"] == pytest.approx(1, abs=0.1)
        assert abs(by.loc["inert", "ST"]) < 0.05


def test_sensitivity_refuses_an_incomplete_design():
    pytest.importorskip("SALib")
    ranges = [Range("a", 0.0, 1.0, "float"), Range("b", 0.0, 1.0, "float")]
    matrix, _ = sample("morris", ranges, 4, seed=0)
    rows = [{"point": i, "status": "ok", "y": 1.0} for i in range(len(matrix) - 1)]
    with pytest.raises(ScenarioError, match="have no finished run"):
        sensitivity("morris", ranges, matrix, pd.DataFrame(rows), ["y"])


def test_open_executor_reports_its_workers():
    with open_executor(workers=2) as (pool, workers):
        assert workers == 2
        assert pool.submit(pow, 2, 5).result() == 32


def test_a_damaged_run_file_is_set_aside_and_run_again(tmp_path):
    """A summary cut to 10 bytes, or a cut series: moved aside, logged, and redone."""
    subprocess.run(batch_command(tmp_path, "--runs", "2", "--workers", "1"), check=True)
    before = comparable(sim.load_batch(tmp_path).summary)
    summaries = sorted((tmp_path / "runs" / "summary").glob("*.parquet"))
    series = sorted((tmp_path / "runs" / "timeseries").glob("*.parquet"))
    summaries[0].write_bytes(summaries[0].read_bytes()[:10])
    series[1].write_bytes(series[1].read_bytes()[:200])
    again = subprocess.run(batch_command(tmp_path, "--runs", "2", "--workers", "1"),
                           capture_output=True, text=True, check=True)
    assert "2 runs done, 2 already stored" in again.stdout
    log = (tmp_path / "runs" / "damaged" / "damaged.log").read_text()
    assert summaries[0].stem in log and series[1].stem in log
    results = sim.load_batch(tmp_path)
    pd.testing.assert_frame_equal(comparable(results.summary), before)
    assert set(results.timeseries["key"]) == set(before["key"])


def test_a_sweep_of_whole_and_fractional_numbers_gathers_one_column(tmp_path):
    out = tmp_path / "mixed"
    subprocess.run([sys.executable, str(ROOT / "run_sim.py"), "batch", str(POSTS), "--sweep",
                    "weather.temperature_offset_c=0,2.5", "--runs", "1", "--workers", "1",
                    "--quiet", "--out", str(out)], check=True)
    summary = pd.read_parquet(out / "summary.parquet")
    assert summary["weather.temperature_offset_c"].tolist() == [0.0, 2.5]


def test_identical_design_points_share_runs_but_keep_their_rows(tmp_path):
    """Repeated points (a Morris trajectory may repeat one) run once and keep a row each."""
    definition = BatchDefinition(scenarios=[POSTS], runs=2, seed=0,
                                 sweeps=["sides.blue.winter_equipment=0.5,0.5,0.9"])
    batch = plan_batch(definition)
    with ThreadPoolExecutor(max_workers=1) as pool:
        report = execute(batch, ResultStore(tmp_path), pool, 1, progress=False)
    assert report.finished == 4  # two distinct points x two seeds
    summary = report.summary
    assert sorted(summary["point"]) == [0, 0, 1, 1, 2, 2]
    same = summary[summary["point"] < 2].sort_values(["replicate", "point"])
    assert same["key"].tolist()[0] == same["key"].tolist()[1]


def test_a_scenario_named_twice_is_refused(tmp_path):
    definition = BatchDefinition(scenarios=[POSTS, POSTS], runs=1, seed=0)
    with pytest.raises(ScenarioError, match="named more than once"):
        plan_batch(definition)

"""Maps of any moment: dates, times, the start, the peak of the advance and the end."""

import datetime as dt

import numpy as np
import pytest

from sim.errors import ScenarioError
from sim.model import OperationModel
from sim.moments import MomentRecorder, check_moments, label_of, parse_moments

from .test_input_errors import run_cli


def test_moments_parse_words_dates_and_times():
    moments = parse_moments("1994-01-20, 1994-02-13T12,peak,END,1994-02-14T06:30")
    assert moments == [dt.datetime(1994, 1, 21), dt.datetime(1994, 2, 13, 12), "peak", "end",
                       dt.datetime(1994, 2, 14, 6, 30)]  # a date is drawn at its end
    assert label_of(moments[1], "1994-02-13T12") == "1994-02-13T12"
    for bad in ("yesterday", "1994-02-30", "1994-02-13 12:00", "13/02/1994"):
        with pytest.raises(ScenarioError, match="--map-at"):
            parse_moments(bad)
    with pytest.raises(ScenarioError, match="outside the run"):
        check_moments([dt.datetime(1995, 1, 1)], dt.date(1993, 12, 15), dt.date(1994, 3, 7))


def test_a_time_is_drawn_at_the_end_of_the_step_that_holds_it(scenario):
    model = OperationModel(scenario, rng=0)
    recorder = MomentRecorder(model)
    for _ in range(8):  # two days of six-hour steps
        model.step()
        recorder.observe()
    start = dt.datetime.combine(scenario.start_date, dt.time())
    assert recorder.at("start").when == start
    assert recorder.at(start + dt.timedelta(hours=13)).when == start + dt.timedelta(hours=18)
    assert recorder.at(start + dt.timedelta(days=1)).when == start + dt.timedelta(days=1)
    assert recorder.at("end").when == start + dt.timedelta(days=2)


def test_the_peak_is_the_closest_approach_of_the_records_side(replay):
    recorder = MomentRecorder.__new__(MomentRecorder)
    recorder.model = replay
    # stand-ins: the replay's own end state, and one with a battalion moved onto the place
    from dataclasses import replace

    from sim.mapping import snapshot

    end = snapshot(replay)
    kalbajar = replay.world.places["kalbajar"]
    first = next(u for u in end.units if u.side == "azerbaijan")
    there = replace(end, units=(replace(first, cell=tuple(kalbajar)),) + end.units[1:])
    recorder.snapshots = [end, there, end]
    assert recorder.peak_index() == 1
    assert np.array_equal(recorder.at("peak").units[0].cell, kalbajar)


def test_a_run_draws_the_peak_and_the_end_by_default(tmp_path):
    code, out, err = run_cli(["run", "--seed", "0", "--quiet", "--set", "duration_days=20",
                              "--out", str(tmp_path)])
    assert code == 0, err
    assert (tmp_path / "map.png").stat().st_size > 50_000
    assert (tmp_path / "map_peak.png").stat().st_size > 50_000
    code, out, err = run_cli(["run", "--map-at", "1995-01-01", "--quiet", "--out",
                              str(tmp_path / "x")])
    assert code == 2 and "outside the run" in err

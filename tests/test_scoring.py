import datetime as dt

import pandas as pd

from sim.output import summarise
from sim.scoring import first_lasting_cut, flat_row, load_record, score_batch, stretch_edges

from .conftest import ROOT


def event(kind, time, place="a-b", road="r", side="s"):
    return {"event": kind, "time": time, "place": place, "road": road, "side": side}


def test_a_cut_counts_only_when_it_lasts():
    end = dt.datetime(1994, 3, 1)
    short = [event("road_cut", "1994-01-10T06:00"), event("road_reopened", "1994-01-10T12:00"),
             event("road_cut", "1994-02-13T00:00")]
    assert first_lasting_cut(short, "r", "s", 24, end) == dt.date(1994, 2, 13)
    two_edges = [event("road_cut", "1994-02-01T00:00", "a-b"),
                 event("road_cut", "1994-02-01T12:00", "b-c"),
                 event("road_reopened", "1994-02-01T18:00", "a-b"),
                 event("road_reopened", "1994-02-03T00:00", "b-c")]
    assert first_lasting_cut(two_edges, "r", "s", 24, end) == dt.date(1994, 2, 1)
    assert first_lasting_cut(two_edges, "r", "other", 24, end) is None


def test_the_record_file_loads_with_windows_and_sources():
    record = load_record(ROOT / "scenarios" / "kalbajar_record.toml")
    assert record.milestones["omar_road_cut"].window == (dt.date(1994, 2, 8),
                                                         dt.date(1994, 2, 20))
    assert all(m.source for m in record.milestones.values())
    assert record.casualties["azerbaijan_dead"].range == (1500, 4500)


def test_flat_row_has_the_batch_columns(replay):
    from sim.output import summarise

    row = flat_row(summarise(replay))
    for column in ("seed", "azerbaijan_dead", "azerbaijan_cold_dead", "armenia_dead",
                   "azerbaijan_encircled_units", "azerbaijan_encircled_at_end",
                   "azerbaijan_hypothermia_dead", "milestone_murov_crossed",
                   "milestone_vardenis_martakert_road_cut", "milestone_omar_road_cut",
                   "milestone_withdrawal_complete", "closest_approach_km",
                   "closest_approach_date"):
        assert column in row, column


def test_batch_score_of_one_run_matches_its_own_milestones(replay):
    summary = summarise(replay)
    record = load_record(replay.spec.record)
    frame = pd.DataFrame([{**flat_row(summary), "status": "ok"}])
    score = score_batch(frame, record).set_index("measure")
    for entry in summary["milestones"].values():
        hit = entry["in_window"] if "window" in entry else entry["in_range"]
        assert score.loc[entry["label"], "score"] == float(hit)
    dead = record.casualties["azerbaijan_dead"]
    assert score.loc[dead.label, "median"] == summary["sides"]["azerbaijan"]["dead"]


def test_a_road_cut_can_be_scored_on_a_stretch_of_the_road_only():
    end = dt.datetime(1994, 3, 1)
    beyond = [dict(time="1994-02-10T00:00", event="road_cut", road="r", side="s", place="c-d"),
              dict(time="1994-02-14T00:00", event="road_cut", road="r", side="s", place="b-a")]
    stretch = stretch_edges(["a", "b", "c", "d"], ("a", "c"))
    assert stretch == {"a-b", "b-a", "b-c", "c-b"}
    assert first_lasting_cut(beyond, "r", "s", 24, end) == dt.date(1994, 2, 10)
    assert first_lasting_cut(beyond, "r", "s", 24, end, stretch) == dt.date(1994, 2, 14)
    assert stretch_edges(["a", "b"], None) is None


def test_unscored_figures_are_reported_not_scored():
    from sim.cli import validation_report

    record = load_record(ROOT / "scenarios" / "kalbajar_record.toml")
    assert not record.casualties["armenia_dead"].scored
    assert not record.milestones["azerbaijani_battalions_encircled"].scored
    assert record.milestones["azerbaijani_battalions_left_encircled"].scored
    row = {"status": "ok", "azerbaijan_dead": 2000, "azerbaijan_cold_dead": 500,
           "azerbaijan_hypothermia_dead": 300, "armenia_dead": 5,  # far outside its range
           "azerbaijan_encircled_units": 2, "azerbaijan_encircled_at_end": 2}
    for name, m in record.milestones.items():
        row[f"milestone_{name}"] = (str(m.window[0]) if m.window is not None
                                    else row["azerbaijan_encircled_at_end"])
    text, passed = validation_report([row], record, 0.6)
    assert passed  # the Armenian dead are out of range, but only reported
    assert "Armenian dead" in text and "reported" in text


def test_battalions_left_in_pockets_when_the_rest_are_out(scenario):
    """Counted when all the side's battalions not encircled stand at the exits."""
    from sim.model import OperationModel
    from sim.scoring import encircled_at_end

    model = OperationModel(scenario, rng=0)
    side = "azerbaijan"
    commander = model.commanders[side]
    exits = scenario.sides[side].plan.withdrawal.to
    units = [u for u in model.side_units(side) if u.in_field]
    trapped, lost = units[0], units[1]
    trapped.encircle()
    lost.encircle()
    lost.lose("missing", lost.strength)  # surrendered in its pocket
    assert lost.lost_in_pocket and trapped.in_pocket
    for unit in units[2:]:
        unit.cell = model.grid[model.world.places[exits[0]]]
    commander.withdrawal_ordered_at = model.time
    commander.consider_withdrawal()
    assert commander.left_in_pockets == [trapped.battalion_id, lost.battalion_id]
    assert encircled_at_end(model, side) == 2
    assert any(e["event"] == "withdrawn_but_pockets" for e in model.events)


def test_deaths_by_phase_split_each_run_at_its_withdrawal_order():
    from sim.scoring import deaths_by_phase

    series = pd.DataFrame({
        "key": ["a"] * 3 + ["b"] * 3,
        "date": ["1994-02-01T00:00", "1994-02-10T00:00", "1994-02-20T00:00"] * 2,
        "blue_dead": [0, 10, 30, 0, 5, 8], "blue_died_of_wounds": [0, 1, 2, 0, 0, 0],
        "blue_cold_dead": [0, 2, 5, 0, 1, 2], "blue_hypothermia_dead": [0, 0, 10, 0, 0, 0],
        "blue_avalanche_dead": [0] * 6})
    events = pd.DataFrame({"key": ["a"], "event": ["withdrawal_decided"], "unit": ["blue"],
                           "time": ["1994-02-10T00:00"]})
    table = deaths_by_phase(series, events, "blue")
    # run a: 10 dead before the order (7 in battle), 20 after; run b never withdraws: 8 before
    assert table.loc["before the withdrawal order", "dead"] == 9.0
    assert table.loc["after it", "dead"] == 10.0
    assert table.loc["after it", "hypothermia_dead"] == 5.0
    assert table.loc["whole run", "killed"] == (13 + 6) / 2


def test_the_summary_counts_the_dead_after_the_withdrawal_order_as_validate_splits_them(replay):
    """The summary's per-run figure is the run's own 'after it' of :func:`deaths_by_phase`."""
    from sim.output import model_timeseries, summarise
    from sim.scoring import deaths_by_phase

    summary = summarise(replay)
    events = pd.DataFrame(replay.events).assign(key="run")
    series = model_timeseries(replay).assign(key="run")
    for side, totals in summary["sides"].items():
        decided = replay.commanders[side].withdrawal_decided_at is not None
        after = deaths_by_phase(series, events, side).loc["after it", "dead"]
        assert totals["dead_after_withdrawal_order"] == after
        assert (0 < after <= totals["dead"]) if decided else after == 0
    assert replay.commanders["azerbaijan"].withdrawal_decided_at is not None

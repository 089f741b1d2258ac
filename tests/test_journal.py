"""The journal of a run: each battalion's way from the withdrawal order to the end."""

import pandas as pd
import pytest

from sim.cli import main
from sim.journal import journal_of_run
from sim.output import write_outputs


@pytest.fixture(scope="module")
def run_folder(replay, tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    write_outputs(replay, folder, map_png=False)
    return folder


def test_the_journal_follows_every_battalion_from_the_order_to_the_end(replay, scenario,
                                                                        run_folder):
    table, moment = journal_of_run(run_folder, scenario, "azerbaijan")
    order = next(e for e in replay.events if e["event"] == "withdrawal")
    assert moment == order["time"]
    rows = table[table["battalion"] != "all"]
    series = pd.read_parquet(run_folder / "units.parquet")
    at = pd.Timestamp(moment)
    at_order = series[(series["side"] == "azerbaijan") & (pd.to_datetime(series["date"]) <= at)]
    in_field = at_order.sort_values("step").groupby("battalion").last()
    assert sorted(rows["battalion"]) == sorted(in_field[in_field["strength"] > 0].index)
    # each starts from the row of the order's own step, whose date carries seconds
    at_step = at_order[pd.to_datetime(at_order["date"]) == at].set_index("battalion")
    assert len(at_step) and (rows.set_index("battalion")["men"]
                             == at_step["strength"].reindex(rows["battalion"])).all()
    causes = ["killed", "DoW", "cold", "froze", "aval."]
    assert (rows[causes].sum(axis=1) == rows["dead"]).all()
    # every death after the order is someone's: no battalion joins after it in this run
    timeseries = pd.read_parquet(run_folder / "timeseries.parquet")
    dead_at_order = int(timeseries[pd.to_datetime(timeseries["date"]) <= at]["azerbaijan_dead"]
                        .iloc[-1])
    assert rows["dead"].sum() == replay.collected_totals["azerbaijan"]["dead"] - dead_at_order
    total = table[table["battalion"] == "all"].iloc[0]
    assert total["dead"] == rows["dead"].sum() and total["men"] == rows["men"].sum()
    # no one lost more men than it had in its ranks and its care
    assert (rows["dead"] + rows["missing"] <= rows["men"] + rows["in care"]).all()
    # those back at an exit stand on it; the others are dead, captured, encircled or on the way
    exits = set(scenario.sides["azerbaijan"].plan.withdrawal.to)
    for _, row in rows.iterrows():
        unit = replay.battalions[row["battalion"]]
        if row["ended"].startswith("out at"):
            assert unit.in_field and replay.place_name(unit.coordinate) in exits
        elif not unit.in_field:
            assert row["ended"].split()[0] in ("froze", "killed", "captured", "surrendered",
                                               "died", "all", "avalanche")
    assert (rows["h march"] >= 0).all() and (rows["h wind"] >= 0).all()
    assert rows["h march"].sum() > 0 and rows["h wind"].sum() > 0  # a retreat in the open


def test_the_journal_command_writes_a_table_and_explains_bad_input(run_folder, tmp_path,
                                                                   capsys):
    assert main(["journal", str(run_folder)]) == 0
    out = capsys.readouterr().out
    assert "each battalion's way" in out and "froze: died of hypothermia" in out
    assert (run_folder / "journal.csv").is_file()
    assert main(["journal", str(run_folder), "--from", "1994-02-01"]) == 0
    assert "from 1994-02-01 00:00" in capsys.readouterr().out

    assert main(["journal", str(tmp_path)]) == 2
    assert "no units.parquet; expected the output folder of a run" in capsys.readouterr().err
    assert main(["journal", str(run_folder), "--side", "nobody"]) == 2
    assert "--side nobody: not a side" in capsys.readouterr().err
    assert main(["journal", str(run_folder), "--from", "mid-February"]) == 2
    assert "--from mid-February: expected a date" in capsys.readouterr().err


def test_a_replay_in_memory_gives_the_same_journal_as_its_outputs(replay, scenario, run_folder):
    from sim.journal import journal_of_model

    from_model, moment = journal_of_model(replay, "azerbaijan")
    from_folder, same_moment = journal_of_run(run_folder, scenario, "azerbaijan")
    assert moment == same_moment
    pd.testing.assert_frame_equal(from_model, from_folder, check_dtype=False)

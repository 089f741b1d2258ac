"""Azerbaijani dead in three phases: the advance, the counter-offensive, the retreat.

    .venv/bin/python docs/analyses/phase_split.py FOLDER

FOLDER is the --out of `run_sim.py validate`. Over the runs whose withdrawal order came after
the counter-offensive began (12 February 1994, the Armenian commanders' order in the
scenario), the medians of the dead before it, between it and the order, and after the order.
"""

import sys

import pandas as pd

from sim import load_batch

COUNTER_OFFENSIVE = pd.Timestamp("1994-02-12")


def phases(folder: str) -> pd.DataFrame:
    """Each run's Azerbaijani dead by phase, indexed by seed."""
    batch = load_batch(folder)
    orders = batch.events.query("event == 'withdrawal' and unit == 'azerbaijan'")
    orders = orders.set_index("seed")["time"]
    rows = {}
    for seed, steps in batch.timeseries.sort_values("step").groupby("seed"):
        if seed not in orders or pd.Timestamp(orders[seed]) < COUNTER_OFFENSIVE:
            continue
        when, dead = pd.to_datetime(steps["date"]), steps["azerbaijan_dead"]
        order = pd.Timestamp(orders[seed])
        before, at_order = dead[when <= COUNTER_OFFENSIVE].iloc[-1], dead[when <= order].iloc[-1]
        rows[seed] = {"advance": before, "counter-offensive": at_order - before,
                      "retreat": dead.iloc[-1] - at_order}
    return pd.DataFrame.from_dict(rows, orient="index")


def main(folder: str) -> None:
    """Print the medians of the batch in ``folder``."""
    table = phases(folder)
    print(len(table), "runs; median dead by phase:")
    print(table.median().to_string())


if __name__ == "__main__":
    main(sys.argv[1])

"""Azerbaijani dead in three phases: the advance, the counter-offensive, the retreat.

    .venv/bin/python docs/analyses/phase_split.py FOLDER [OTHER]

FOLDER is the --out of `run_sim.py validate`. Over the runs whose withdrawal order came after
the counter-offensive began (the start of the phase the scenario's `app.switchable_phase`
names: the Armenian commanders' order of 12 February 1994), the medians of the dead before it,
between it and the order, and after the order. With OTHER (a validate folder of a what-if over
the same seeds), the same medians for both, over the seeds in both tables.
"""

import sys

import pandas as pd

from sim import load_batch
from sim.scenario import load_scenario


def counter_offensive_start(scenario_file: str) -> pd.Timestamp:
    """The date the scenario orders its switchable phase (the counter-offensive) to start."""
    spec = load_scenario(scenario_file)
    named = spec.app.switchable_phase
    phase = next(p for p in spec.sides[named.side].plan.phases if p.name == named.phase)
    return pd.Timestamp(phase.start)


def phases(folder: str) -> pd.DataFrame:
    """Each run's Azerbaijani dead by phase, indexed by seed."""
    batch = load_batch(folder)
    start = counter_offensive_start(batch.summary["scenario_file"].iloc[0])
    orders = batch.events.query("event == 'withdrawal' and unit == 'azerbaijan'")
    orders = orders.set_index("seed")["time"]
    rows = {}
    for seed, steps in batch.timeseries.sort_values("step").groupby("seed"):
        if seed not in orders or pd.Timestamp(orders[seed]) < start:
            continue
        when, dead = pd.to_datetime(steps["date"]), steps["azerbaijan_dead"]
        order = pd.Timestamp(orders[seed])
        before, at_order = dead[when <= start].iloc[-1], dead[when <= order].iloc[-1]
        rows[seed] = {"advance": before, "counter-offensive": at_order - before,
                      "retreat": dead.iloc[-1] - at_order}
    return pd.DataFrame.from_dict(rows, orient="index")


def main(folder: str, other: str | None = None) -> None:
    """Print the medians of the batch in ``folder``, or of two batches over their common seeds."""
    table = phases(folder)
    if other is None:
        print(len(table), "runs; median dead by phase:")
        print(table.median().to_string())
        return
    second = phases(other)
    seeds = table.index.intersection(second.index)
    medians = pd.concat([t.loc[seeds].median() for t in (table, second)], axis=1)
    medians.columns = [folder, other]
    print(len(seeds), "seeds in both; median dead by phase:")
    print(medians.to_string())


if __name__ == "__main__":
    main(*sys.argv[1:3])

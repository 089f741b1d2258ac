"""The pockets of a validate folder: how many battalions were left in them, and how each ended.

    .venv/bin/python docs/analyses/pockets.py FOLDER

FOLDER is the --out of `run_sim.py validate` (or of any batch of the historical scenario).
Prints the figures `docs/validation.md` gives for the encirclements.
"""

import sys
from collections import Counter

import pandas as pd

from sim import load_batch


def main(folder: str) -> None:
    """Print the figures of the batch in ``folder``."""
    batch = load_batch(folder)
    summary, events = batch.summary, batch.events
    own = events[events.unit.str.startswith("az_")]
    ever = summary.set_index("seed")["azerbaijan_encircled_units"]
    left = summary.set_index("seed")["azerbaijan_encircled_at_end"]
    for name, counts in (("ever encircled", ever), ("left in pockets", left)):
        print(f"runs by battalions {name}: none {int((counts == 0).sum())}, "
              f"1-3 {int(counts.between(1, 3).sum())}, 4 or more {int((counts >= 4).sum())}")
    print("Azerbaijani encirclements:", int((own.event == "encircled").sum()),
          "ended by a breakout:", int((own.event == "broke_out").sum()),
          "surrendered:", int((own.event == "surrendered").sum()),
          "battalions destroyed by hypothermia:",
          int(((own.event == "destroyed") & (own.cause == "hypothermia_dead")).sum()))
    sent = events[events.event == "attacks_pocket"]
    print("battalions sent against a pocket (attacks_pocket): Armenian",
          int(sent.unit.str.startswith("arm_").sum()), "Azerbaijani",
          int(sent.unit.str.startswith("az_").sum()), "in", sent.seed.nunique(), "runs")
    decided = events.query("event == 'withdrawal_decided' and unit == 'azerbaijan'")
    january = decided[decided.time < "1994-02-01"].seed
    print("runs deciding to withdraw in January:", len(january),
          "of which none left in pockets:", int((left[january] == 0).sum()))
    fates, places = Counter(), Counter()
    for _, row in events.query("event == 'withdrawn_but_pockets'").iterrows():
        earlier = events[(events.seed == row.seed) & (events.time <= row.time)]
        for unit in filter(None, row.place.split(",")):
            end = earlier[(earlier.unit == unit) & (earlier.event == "destroyed")]
            fates[end.cause.iloc[0] if len(end) else "still in its pocket"] += 1
            ringed = earlier[(earlier.unit == unit) & (earlier.event == "encircled")]
            places[ringed.place.iloc[-1] if len(ringed) else "?"] += 1
    print("battalions left in pockets, by how they ended ('missing': surrendered):",
          dict(fates))
    print("battalions left in pockets, by where they were last encircled (the five commonest):",
          dict(places.most_common(5)))
    print("runs with none left, hours from each battalion's last way out of a pocket after the "
          "order to the moment the rest were out:", hours_out_before_the_rest(events, left))


def hours_out_before_the_rest(events, left) -> str:
    """Median and count of the hours between a battalion's last link-up and the end.

    Over the runs with none left in pockets: for each battalion that got out of a pocket after
    the withdrawal order, the hours from its last ``broke_out`` to ``withdrawn_but_pockets``.
    """
    orders = events.query("event == 'withdrawal' and unit == 'azerbaijan'").set_index("seed")
    ends = events.query("event == 'withdrawn_but_pockets'").set_index("seed")
    hours = []
    for seed in left[left == 0].index.intersection(ends.index).intersection(orders.index):
        run = events[(events.seed == seed) & (events.event == "broke_out")
                     & events.unit.str.startswith("az_")
                     & (events.time >= orders.time[seed])]
        end = pd.Timestamp(ends.time[seed])
        hours += [(end - pd.Timestamp(t)) / pd.Timedelta(hours=1)
                  for t in run.groupby("unit").time.max()]
    return f"median {pd.Series(hours).median():.0f} h over {len(hours)}" if hours else "none"


if __name__ == "__main__":
    main(sys.argv[1])

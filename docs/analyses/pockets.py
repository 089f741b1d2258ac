"""The pockets of a validate folder: how many battalions were left in them, and how each ended.

    .venv/bin/python docs/analyses/pockets.py FOLDER

FOLDER is the --out of `run_sim.py validate` (or of any batch of the historical scenario).
Prints the figures `docs/validation.md` gives for the encirclements.
"""

import sys
from collections import Counter

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


if __name__ == "__main__":
    main(sys.argv[1])

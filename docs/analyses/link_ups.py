"""How the pockets of the runs with none left ended: who moved, the pocket or the ring.

    .venv/bin/python docs/analyses/link_ups.py FOLDER [RUNS]

FOLDER is the --out of `run_sim.py validate` of the historical scenario (no --set). Of its runs
with no Azerbaijani battalion left in a pocket but some encircled after the withdrawal order,
the first RUNS by seed (default 12) are replayed, and each link-up after the order (a
`broke_out` event) is put down to what changed since the encirclement: its supply reached it
again, else the encircled battalion moved more than 2 km (out of the ring), else a battalion of
the ring (the enemy battalions within 6 km when it was encircled) moved more than 2 km or
broke, else the ring's zones shifted round it (a battalion moving less than 2 km).
"""

import sys
from collections import Counter
from pathlib import Path

import numpy as np

from sim import load_batch
from sim.model import OperationModel
from sim.output import unit_timeseries
from sim.scenario import load_scenario

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "kalbajar_1993_94.toml"
MOVED_CELLS = 2.0
RING_CELLS = 6.0


def runs_with_none_left(folder: str) -> list[int]:
    """Seeds of the runs with none left in pockets but an encirclement after the order."""
    batch = load_batch(folder)
    left = batch.summary.set_index("seed")["azerbaijan_encircled_at_end"]
    events = batch.events
    seeds = []
    for seed in sorted(left[left == 0].index):
        ev = events[events.seed == seed]
        order = ev[(ev.event == "withdrawal_decided") & (ev.unit == "azerbaijan")].step
        ringed = ev[(ev.event == "encircled") & ev.unit.str.startswith("az_")]
        if len(order) and (ringed.step >= order.iloc[0]).any():
            seeds.append(int(seed))
    return seeds


def link_ups(seed: int) -> list[tuple[str, str, float]]:
    """Each Azerbaijani link-up after the order in a replay: (battalion, kind, hours)."""
    model = OperationModel(load_scenario(SCENARIO), rng=seed)
    supplied = set()  # (battalion, step) where its supply reached it
    while model.running:
        model.step()
        supplied |= {(u.battalion_id, model.time) for u in model.battalions.values()
                     if u.in_field and u.supply_path}
    units = unit_timeseries(model)
    where = {(r.battalion, r.step): (r.x, r.y, r.state, r.strength)
             for r in units.itertuples()}
    order = next(e["step"] for e in model.events
                 if e["event"] == "withdrawal_decided" and e["unit"] == "azerbaijan")
    armenian = sorted(b for b in units.battalion.unique() if not b.startswith("az_"))
    ringed_at, found = {}, []
    for e in model.events:
        if not e["unit"].startswith("az_"):
            continue
        if e["event"] == "encircled" and e["step"] >= order:
            ringed_at[e["unit"]] = e["step"]
        elif e["event"] == "broke_out" and e["unit"] in ringed_at:
            start, end = ringed_at.pop(e["unit"]), e["step"]
            x0, y0, _, _ = where[(e["unit"], start)]
            x1, y1, _, _ = where[(e["unit"], end)]
            ring = [b for b in armenian if (b, start) in where and where[(b, start)][3] > 0
                    and np.hypot(where[(b, start)][0] - x0, where[(b, start)][1] - y0)
                    <= RING_CELLS]
            ring_changed = False
            for b in ring:
                if (b, end) not in where:  # gone from the field
                    ring_changed = True
                    continue
                bx, by, state, men = where[(b, end)]
                moved = np.hypot(bx - where[(b, start)][0], by - where[(b, start)][1])
                ring_changed |= moved > MOVED_CELLS or state == "broken" or men == 0
            if (e["unit"], end) in supplied:
                kind = "its supply reached it again"
            elif np.hypot(x1 - x0, y1 - y0) > MOVED_CELLS:
                kind = "the encircled battalion moved out"
            elif ring_changed:
                kind = "a battalion of the ring moved or broke"
            else:
                kind = "the ring's zones shifted round it"
            found.append((e["unit"], kind, (end - start) * model.spec.step_hours))
    return found


def main(folder: str, runs: int = 12) -> None:
    """Print the link-ups of the first ``runs`` runs with none left, by what ended them."""
    seeds = runs_with_none_left(folder)[:runs]
    kinds, hours = Counter(), {}
    for seed in seeds:
        for _, kind, lasted in link_ups(seed):
            kinds[kind] += 1
            hours.setdefault(kind, []).append(lasted)
    print(f"runs replayed: {len(seeds)} (seeds {', '.join(map(str, seeds))})")
    print(f"link-ups after the order: {sum(kinds.values())}")
    for kind, count in kinds.most_common():
        print(f"  {kind}: {count}, after a median {np.median(hours[kind]):.0f} h encircled")


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:3]))

"""Where the Omar road is first cut in `omar_pass_held`, and how far the reserves stand from it.

    .venv/bin/python docs/analyses/omar_road_cut.py [SEEDS]

Runs seeds 0..SEEDS-1 (default 20) of scenarios/whatif/omar_pass_held.toml. For the first
Armenian cut of the Ganja-Omar-Kalbajar road after the reserves arrive (the scenario's date), the
medians of the cutting battalion's distance from Kalbajar and from the Omar Pass, and of the
nearest reserve battalion's distance from it.
"""

import statistics
import sys
from pathlib import Path

from sim.model import OperationModel
from sim.scenario import load_scenario

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "whatif" / "omar_pass_held.toml"
RESERVES = ["az_reserve_1", "az_reserve_2"]


def reserves_arrive(scenario) -> str:
    """The date the scenario brings the reserves in."""
    plan = scenario.sides["azerbaijan"].plan
    return next(r.arrives for r in plan.reinforcements if RESERVES[0] in r.battalions).isoformat()


def first_cut(model) -> dict | None:
    """Step the model to the first Armenian cut of the Omar road after the reserves arrive."""
    arrive, seen = reserves_arrive(model.spec), 0
    while model.running:
        model.step()
        for event in model.events[seen:]:
            if (event["event"] == "road_cut" and event.get("road") == "ganja_omar_kalbajar"
                    and event["cause"] == "zoc by armenia" and event["time"] >= arrive):
                return event
        seen = len(model.events)
    return None


def main(seeds: int) -> None:
    """Print the medians over seeds 0..seeds-1."""
    scenario = load_scenario(SCENARIO)
    rows = []
    for seed in range(seeds):
        model = OperationModel(scenario, rng=seed)
        cut = first_cut(model)
        if cut is None:
            continue
        km, places = model.world.terrain.distance_km, model.world.places
        at = model.battalions[cut["unit"]].coordinate
        reserves = [u.coordinate for u in model.battalions.values()
                    if u.battalion_id in RESERVES and u.in_field]
        rows.append((km(at, places["kalbajar"]), km(at, places["omar_pass"]),
                     min((km(r, at) for r in reserves), default=float("nan"))))
    print(f"{len(rows)} of {seeds} runs with a cut after the reserves arrive")
    for i, what in enumerate(("from Kalbajar", "from the Omar Pass", "to the nearest reserve")):
        print(f"median km {what}: {statistics.median(r[i] for r in rows):.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)

"""Speed of the theatre: building the world and stepping a marching replay.

    python benchmarks/bench_theatre.py [--repeats 5]

Figures are medians over the repeats, on one core (the process is single-threaded).
"""

import argparse
import statistics
import time
from pathlib import Path

from sim.model import KalbajarModel
from sim.scenario import load_scenario
from sim.world import _build_world

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "kalbajar_1993_94.toml"


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)

    load = timed(lambda: load_scenario(SCENARIO), args.repeats)
    world = timed(lambda: _build_world(scenario), args.repeats)
    model_init = timed(lambda: KalbajarModel(scenario, rng=0), args.repeats)

    def march_270():
        model = KalbajarModel(scenario, rng=0)
        start = time.perf_counter()
        model.run_for(270)
        return time.perf_counter() - start

    stepping = statistics.median(march_270() for _ in range(args.repeats))
    terrain = _build_world(scenario).terrain
    print(f"grid {terrain.width} x {terrain.height} cells of {terrain.cell_size_m:.0f} m, "
          f"{len(scenario.battalions)} battalions, median of {args.repeats}")
    print(f"{'load and validate scenario':<44}{load * 1000:8.1f} ms")
    print(f"{'build world from shipped files (uncached)':<44}{world * 1000:8.1f} ms")
    print(f"{'model init (world cached, Mesa grid, agents)':<44}{model_init * 1000:8.1f} ms")
    print(f"{'world + model init, cold':<44}{(world + model_init) * 1000:8.1f} ms")
    print(f"{'270 six-hour steps of marching':<44}{stepping * 1000:8.1f} ms")


if __name__ == "__main__":
    main()

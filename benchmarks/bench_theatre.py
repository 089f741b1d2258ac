"""Speed of the theatre, the weather and a full replay.

    python benchmarks/bench_theatre.py [--repeats 5]

Figures are medians over the repeats, on one core (the process is single-threaded).
"""

import argparse
import statistics
import time
from pathlib import Path

from sim.model import OperationModel
from sim.scenario import load_scenario
from sim.world import _build_world

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "kalbajar_1993_94.toml"


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def stepping(scenario, steps, repeats):
    """Median seconds to step a fresh model (construction not counted)."""
    return statistics.median(step_times(scenario, steps, seed) for seed in range(repeats))


def step_times(scenario, steps, seed):
    """Seconds to step a fresh model of one seed (construction not counted)."""
    model = OperationModel(scenario, rng=seed)
    start = time.perf_counter()
    model.run_for(steps)
    return time.perf_counter() - start


def interleaved(first, second, repeats):
    """Seconds of full replays of two scenarios for seeds 0..repeats-1, run seed by seed in turn.

    Alternating the two keeps a drift in the machine's speed out of their ratio.
    """
    times = ([], [])
    for seed in range(repeats):
        for spec, spent in zip((first, second), times):
            spent.append(step_times(spec, spec.steps, seed))
    return times


def weather_update_times(scenario, seed):
    """Mean seconds of one weather update over the replay's dates, from a fresh model.

    Every step of the operation in turn, so new days, snowfall, melt and forcing all count.
    """
    model = OperationModel(scenario, rng=seed)
    start = time.perf_counter()
    for step in range(scenario.steps):
        model.weather.advance(model.clock.at(step), scenario.step_hours)
    return (time.perf_counter() - start) / scenario.steps


# The step's phases: (name, where it is looked up, attribute); each is timed where the step
# calls it.
PHASES = (("update_weather", "model", "update_weather"),
          ("trace_supply", "supply_lines", "trace"),
          ("move_battalions", "model", "move_battalions"),
          ("fight", "combat", "fight"),
          ("apply_winter_attrition", "module", "apply_winter_attrition"),
          ("check_morale", "module", "check_morale"),
          ("update_control", "model", "update_control"),
          ("collect", "model", "collect"))


def phase_times(scenario, seed=0):
    """Seconds spent in each phase of the step over a whole replay."""
    import sim.model as model_module

    model = OperationModel(scenario, rng=seed)
    spent = {name: 0.0 for name, _, _ in PHASES}
    owners = {"model": model, "supply_lines": model.supply_lines, "combat": model.combat,
              "module": model_module}
    originals = []

    def timed_phase(name, function):
        def run(*args, **kwargs):
            start = time.perf_counter()
            result = function(*args, **kwargs)
            spent[name] += time.perf_counter() - start
            return result

        return run

    for name, owner, attribute in PHASES:
        target = owners[owner]
        originals.append((target, attribute, getattr(target, attribute)))
        setattr(target, attribute, timed_phase(name, getattr(target, attribute)))
    try:
        model.run_for(scenario.steps)
    finally:
        for target, attribute, function in originals:
            setattr(target, attribute, function)
    return spent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    scenario = load_scenario(SCENARIO)
    marching_only = load_scenario(SCENARIO, ["weather.enabled=false"])
    terrain = _build_world(scenario).terrain

    rows = [
        ("load and validate scenario", median_time(lambda: load_scenario(SCENARIO), args.repeats)),
        ("build world from shipped files (uncached)",
         median_time(lambda: _build_world(scenario), args.repeats)),
        ("model init, no weather (Mesa grid, agents)",
         median_time(lambda: OperationModel(marching_only, rng=0), args.repeats)),
        ("model init with weather spin-up",
         median_time(lambda: OperationModel(scenario, rng=0), args.repeats)),
    ]
    rows.append(("one weather update, mean over the replay (x1000)",
                 statistics.median(weather_update_times(scenario, seed)
                                   for seed in range(args.repeats)) * 1000))
    marching = stepping(marching_only, 270, args.repeats)
    no_winter, full = interleaved(marching_only, scenario, args.repeats)
    rows.append(("270 six-hour steps, weather and cold off", marching))
    rows.append((f"full replay, {scenario.steps} steps, weather and cold off",
                 statistics.median(no_winter)))
    rows.append((f"full replay, {scenario.steps} steps, weather and cold on",
                 statistics.median(full)))
    # The winter changes the campaign as well as the work per step, so the cost is per seed.
    extra = [(on / off - 1) * 100 for on, off in zip(full, no_winter)]

    print(f"grid {terrain.width} x {terrain.height} cells of {terrain.cell_size_m:.0f} m, "
          f"{len(scenario.battalions)} battalions, median of {args.repeats}")
    for label, seconds in rows:
        print(f"{label:<52}{seconds * 1000:9.1f} ms")
    print(f"{'cost of weather and cold, median over seeds':<52}{statistics.median(extra):+9.0f} %"
          f"  ({min(extra):+.0f} to {max(extra):+.0f} %)")
    print("time per mechanism over one full replay (seed 0):")
    for name, seconds in phase_times(scenario).items():
        print(f"  {name:<50}{seconds * 1000:9.1f} ms")


if __name__ == "__main__":
    main()

"""Throughput and memory of batches of the historical scenario.

    python benchmarks/bench_batch.py [--runs 24] [--repeats 3] [--scale 100,1000]
        [--skip-mesa] [--skip-dask]

Measures, each batch into a fresh folder:
- the per-run cost in one process (the prediction for any batch size),
- runs per second with 1 and 2 process-pool workers, with a Dask LocalCluster of 2, and with
  ``mesa.batch_run(number_processes=2)`` on the same model and seeds,
- for each ``--scale`` size, a whole batch in a fresh process: its wall time against what
  the per-run cost predicts, and the peak memory of the driver process (``ru_maxrss``).
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "kalbajar_1993_94.toml"


def per_run_seconds(runs: int) -> float:
    from sim.runner import derive_seed, run
    from sim.scenario import load_scenario

    scenario = load_scenario(SCENARIO)
    run(scenario, seed=derive_seed(0, 0))  # the world, once per process, is not a run's cost
    times = [run(scenario, seed=derive_seed(0, i)).seconds for i in range(runs)]
    return statistics.median(times)


def batch_seconds(runs: int, workers: int, dask: bool = False, base_seed: int = 0) -> float:
    """Wall time of a whole batch command (pool or cluster start included)."""
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, str(ROOT / "run_sim.py"), "batch", "--runs", str(runs),
                   "--seed", str(base_seed), "--workers", str(workers), "--quiet",
                   "--out", out]
        if dask:
            command += ["--dask", "local"]
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - start


def mesa_batch_run_seconds(runs: int, workers: int) -> float:
    """The same runs through ``mesa.batch_run`` (it keeps every result in memory)."""
    code = f"""
import time, mesa
from sim.model import OperationModel
from sim.runner import derive_seed
from sim.scenario import load_scenario
if __name__ == "__main__":
    scenario = load_scenario({str(SCENARIO)!r})
    start = time.perf_counter()
    mesa.batch_run(OperationModel, parameters={{"scenario": [scenario]}},
                   rng=[derive_seed(0, i) for i in range({runs})], max_steps=scenario.steps,
                   number_processes={workers}, data_collection_period=-1,
                   display_progress=False)
    print(time.perf_counter() - start)
"""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, stdout=subprocess.DEVNULL,
                   cwd=ROOT)
    return time.perf_counter() - start


def scale_run(runs: int, workers: int) -> dict:
    """A whole batch in this process; returns wall time and the driver's peak memory."""
    from sim.batch import BatchDefinition, execute, open_executor, plan_batch
    from sim.store import ResultStore

    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        batch = plan_batch(BatchDefinition([SCENARIO], runs=runs))
        with open_executor(workers) as (executor, n):
            report = execute(batch, ResultStore(out), executor, n, progress=False)
        seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"runs": runs, "seconds": seconds, "finished": report.finished,
            "driver_peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=24, help="runs per throughput batch")
    parser.add_argument("--scale", default="100", help="batch sizes for time and memory, "
                        "e.g. 100,1000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1, help="interleaved repeats of the "
                        "throughput batches")
    parser.add_argument("--skip-mesa", action="store_true")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--scale-run", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale_run is not None:
        print(json.dumps(scale_run(args.scale_run, args.workers)))
        return

    per_run = per_run_seconds(5)
    print(f"one run, in process (median of 5): {per_run:.2f} s")
    runners = {"process pool, 1 worker": lambda: batch_seconds(args.runs, 1),
               f"process pool, {args.workers} workers":
                   lambda: batch_seconds(args.runs, args.workers)}
    if not args.skip_dask:
        runners[f"Dask LocalCluster, {args.workers} workers"] = lambda: batch_seconds(
            args.runs, args.workers, dask=True)
    if not args.skip_mesa:
        runners[f"mesa.batch_run, {args.workers} processes"] = lambda: mesa_batch_run_seconds(
            args.runs, args.workers)
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(args.repeats):  # interleaved, so a busy spell hits every runner alike
        for name, measure in runners.items():
            times[name].append(measure())
    rows = [(name, statistics.median(t)) for name, t in times.items()]
    one = rows[0][1]
    print(f"\n{args.runs} runs of the historical scenario, whole command (start-up included), "
          f"median of {args.repeats}")
    print(f"{'runner':<34}{'seconds':>9}{'runs/s':>9}{'vs 1 worker':>13}")
    for name, seconds in rows:
        print(f"{name:<34}{seconds:>9.1f}{args.runs / seconds:>9.2f}{one / seconds:>12.2f}x")

    print(f"\n{'batch size':<12}{'wall s':>9}{'predicted s':>13}{'ratio':>8}{'driver MB':>11}"
          f"{'vs 1 worker':>13}")
    for size in [int(s) for s in args.scale.split(",") if s]:
        done = subprocess.run([sys.executable, __file__, "--scale-run", str(size),
                               "--workers", str(args.workers)], check=True,
                              capture_output=True, text=True, cwd=ROOT)
        result = json.loads(done.stdout.strip().splitlines()[-1])
        predicted = size * per_run / args.workers
        speedup = size * per_run / result["seconds"]  # against one process running them all
        print(f"{size:<12}{result['seconds']:>9.0f}{predicted:>13.0f}"
              f"{result['seconds'] / predicted:>8.2f}{result['driver_peak_mb']:>11.0f}"
              f"{speedup:>12.2f}x")


if __name__ == "__main__":
    main()

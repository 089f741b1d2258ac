"""Command line: ``run_sim.py`` (or the ``kalbajar-sim`` console script).

``run_sim.py`` with no arguments replays the historical scenario with seed 0.
``run_sim.py run [SCENARIO] [--seed N] [--set key.path=value ...] [--out DIR]`` runs any
scenario. Errors in a scenario are printed as one line per problem, without a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "kalbajar_1993_94.toml"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its subcommands."""
    parser = argparse.ArgumentParser(
        prog="run_sim.py",
        description="Replay Operation Kalbajar (Dec 1993 - Feb 1994) or any scenario file. "
        "With no arguments: the historical scenario, seed 0, into outputs/kalbajar_1993_94/.",
    )
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run one scenario and write its outputs",
                         description="Run one scenario and write summary.json, "
                         "timeseries.parquet, units.parquet, events.jsonl and map.png.")
    run.add_argument("scenario", nargs="?", type=Path, default=DEFAULT_SCENARIO,
                     help="scenario TOML file (default: %(default)s)")
    run.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    run.add_argument("--set", dest="overrides", action="append", default=[],
                     metavar="KEY.PATH=VALUE",
                     help="override a scenario value, e.g. --set start_date=1993-09-15 or "
                     "--set parameters.movement.march_hours_per_day=10; repeatable; values are "
                     "TOML (strings need no quotes)")
    run.add_argument("--out", type=Path, default=None,
                     help="output folder (default: outputs/<scenario name>/)")
    run.add_argument("--no-map", action="store_true", help="do not draw map.png")
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary table")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    commands = {"run", "-h", "--help"}
    if not argv or argv[0] not in commands:
        argv = ["run", *argv]  # options without a command apply to the historical replay
    args = parser.parse_args(argv)
    from .scenario import ScenarioError

    try:
        if args.command == "run":
            return command_run(args)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    parser.print_help()
    return 1


def command_run(args) -> int:
    """Run one scenario and write its outputs."""
    from tqdm import tqdm

    from .model import KalbajarModel
    from .output import summarise, write_outputs
    from .scenario import load_scenario

    scenario = load_scenario(args.scenario, args.overrides)
    model = KalbajarModel(scenario, rng=args.seed)
    with tqdm(total=scenario.steps, desc=scenario.name, unit="step", disable=args.quiet,
              leave=False) as bar:
        while model.running:
            model.step()
            bar.update(1)
    out_dir = args.out or ROOT / "outputs" / scenario.name
    paths = write_outputs(model, out_dir, map_png=not args.no_map)
    if not args.quiet:
        print(format_summary(summarise(model)))
        print(f"outputs in {out_dir}: " + ", ".join(p.name for p in paths.values()))
    return 0


def format_summary(summary: dict) -> str:
    """A readable table of a run's summary."""
    lines = [f"{summary['scenario']} (seed {summary['seed']}): "
             f"{summary['start_date']} to {summary['end_date']}, {summary['steps']} steps"]
    sides = summary["sides"]
    keys = list(next(iter(sides.values())))
    width = max(len(k) for k in keys) + 2
    lines.append("".join([" " * width] + [f"{s:>12}" for s in sides]))
    for key in keys:
        lines.append(f"{key:<{width}}" + "".join(f"{sides[s][key]:>12,}" for s in sides))
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

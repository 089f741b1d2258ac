"""Command line: ``run_sim.py`` (or the ``kalbajar-sim`` console script).

``run_sim.py`` with no arguments replays the historical scenario with seed 0.
``run_sim.py run [SCENARIO] [--seed N] [--set key.path=value ...] [--out DIR]`` runs any
scenario. Errors in a scenario are printed as one line per problem, without a traceback.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "kalbajar_1993_94.toml"
DEFAULT_RANGES = ROOT / "scenarios" / "calibration_ranges.toml"


# ----------------------------------------------------------------------------- option types
# Each is an argparse type: a bad value exits with code 2 and one line naming the option.

def seed(text: str) -> int:
    """A random seed: a whole number from 0 to 2**63 - 1."""
    value = _whole(text)
    if not 0 <= value < 2 ** 63:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number from 0 to 2**63-1")
    return value


MOST = 1_000_000  # runs, points, samples: a million replays would take a cluster months


def at_least_one(text: str) -> int:
    """A count from one to a million."""
    value = _whole(text)
    if not 1 <= value <= MOST:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number from 1 to {MOST:,}")
    return value


def not_negative(text: str) -> int:
    """A count from zero to a million."""
    value = _whole(text)
    if not 0 <= value <= MOST:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number from 0 to {MOST:,}")
    return value


def workers(text: str) -> int | None:
    """Worker processes: a whole number of at least 1, or 'auto' for every core."""
    if text.strip().lower() == "auto":
        return None
    return at_least_one(text)


def share(text: str) -> float:
    """A share from 0 to 1."""
    value = _number(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number from 0 to 1")
    return value


def positive_hours(text: str) -> float:
    """A positive number of hours, at most a year."""
    value = _number(text)
    if not 0.0 < value <= 8760.0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected hours above 0, at most 8760")
    return value


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number") from None


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"{text!r}: expected a finite number")
    return value


def writable_folder(out_dir: Path) -> Path:
    """``out_dir``, created if need be and checked writable before anything runs."""
    from .scenario import ScenarioError

    if out_dir.exists() and not out_dir.is_dir():
        raise ScenarioError(f"--out {out_dir}: a file; expected a folder for the outputs")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".write-check-"):
            pass
    except OSError as exc:
        raise ScenarioError(f"--out {out_dir}: cannot write there ({exc.strerror}); expected "
                            "a folder this user can write to") from None
    return out_dir


def program_name() -> str:
    """How the command was called: run_sim.py, or the kalbajar-sim console script."""
    called = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return called if called in ("run_sim.py", "kalbajar-sim") else "run_sim.py"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its subcommands."""
    parser = argparse.ArgumentParser(
        prog=program_name(),
        description="Replay Operation Kalbajar (Dec 1993 - Feb 1994) or any scenario file. "
        "With no arguments: the historical scenario, seed 0, into outputs/kalbajar_1993_94/.",
    )
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run one scenario and write its outputs",
                         description="Run one scenario and write summary.json, "
                         "timeseries.parquet, units.parquet, events.jsonl and map.png.")
    run.add_argument("scenario", nargs="?", type=Path, default=DEFAULT_SCENARIO,
                     help="scenario TOML file (default: %(default)s)")
    run.add_argument("--seed", type=seed, default=0, help="random seed (default: 0)")
    run.add_argument("--set", dest="overrides", action="append", default=[],
                     metavar="KEY.PATH=VALUE",
                     help="override a scenario value, e.g. --set start_date=1993-09-15 or "
                     "--set parameters.movement.march_hours_per_day=10; repeatable; values are "
                     "TOML (strings need no quotes)")
    run.add_argument("--out", type=Path, default=None,
                     help="output folder (default: outputs/<scenario name>/)")
    run.add_argument("--no-map", action="store_true", help="draw no maps")
    run.add_argument("--map-at", default="peak", metavar="MOMENTS",
                     help="moments to draw besides the end (map.png), comma-separated: start, "
                     "peak (the deepest advance), end, a date (drawn at its end) or a time "
                     "(YYYY-MM-DDTHH); each goes to map_<moment>.png (default: peak)")
    run.add_argument("--animate", action="store_true",
                     help="also write replay.gif (and replay.mp4 where ffmpeg is installed), "
                     "one map per --frame-hours of the operation")
    run.add_argument("--frame-hours", type=positive_hours, default=24.0, metavar="H",
                     help="hours of the operation per animation frame (default: 24)")
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary table")
    run.add_argument("--check", action="store_true",
                     help="after every step, check that personnel is conserved, no count is "
                     "negative and the state holds no NaN (sim.invariants); stop at the first "
                     "broken one")

    validate = sub.add_parser(
        "validate", help="score many seeds against the historical record",
        description="Run a scenario over N seeds and print, for each milestone of its record, "
        "the share of runs that fall in the record's window, and the casualty medians against "
        "the sourced ranges.")
    validate.add_argument("scenario", nargs="?", type=Path, default=DEFAULT_SCENARIO,
                          help="scenario TOML file (default: %(default)s)")
    add_seed_options(validate, 20, "number of seeds", "validations",
                     "the same command again reuses its finished runs")
    validate.add_argument("--target", type=share, default=0.6,
                          help="hit rate a milestone needs to pass (default: 0.6)")
    validate.add_argument("--strict", action="store_true",
                          help="exit with code 1 when the target is not met")
    add_batch_parser(sub)
    add_calibrate_parser(sub)
    compare = sub.add_parser(
        "compare", help="what-ifs beside their base: same seeds, paired differences",
        description="Run a base scenario and its variants over the same --runs seeds (a "
        "resumable batch) and print each measure (the record's milestones, battalions "
        "encircled, the dead by cause, the closest approach) for the base and each variant, "
        "with the mean of the per-seed differences and its bootstrap 90 %% interval. "
        "Writes comparison.csv and comparison.png into the results folder.")
    compare.add_argument("base", type=Path, help="the base scenario (e.g. the historical one)")
    compare.add_argument("variants", type=Path, nargs="+", metavar="VARIANT",
                         help="variant scenarios (what-ifs)")
    add_seed_options(compare, 20, "seeds per scenario", "comparisons",
                     "the same command again reuses its finished runs")
    compare.add_argument("--quiet", action="store_true", help="no progress bar")
    params = sub.add_parser(
        "params", help="list every parameter with its default, bounds, unit and source",
        description="List the parameters a scenario's [parameters.<group>] tables and --set "
        "can change: key = default [bounds], then the unit and source.")
    params.add_argument("pattern", nargs="?", default=None,
                        help="part of a key, or a shell pattern such as '*snow*'")
    journal = sub.add_parser(
        "journal", help="each battalion's way from a moment (its side's withdrawal order) "
        "to the end of a run",
        description="Read a run folder (run --out) and print, for each battalion of a side in "
        "the field at a moment (by default the side's withdrawal order), the passes it "
        "crossed, the km and hours it marched, the hours it halted out in the wind or without "
        "heat, the worst weather it met, its dead by cause, its missing and how it ended. "
        "Writes journal.csv into the run folder.")
    journal.add_argument("folder", type=Path, help="a run's output folder")
    journal.add_argument("--side", default=None,
                         help="side id (default: the side whose withdrawal order was given)")
    journal.add_argument("--from", dest="since", default=None, metavar="MOMENT",
                         help="a date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM) to start from "
                         "(default: when the side's withdrawal order reached its battalions)")
    journal.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO,
                         help="the scenario of the run, for its places (default: %(default)s)")
    schema = sub.add_parser(
        "schema", help="write the scenario format reference (docs/scenario_format.md)",
        description="Write the reference of every table and key of a scenario file, from "
        "the schema the loader checks.")
    schema.add_argument("--out", type=Path, default=ROOT / "docs" / "scenario_format.md",
                        help="file to write (default: %(default)s)")
    return parser


def add_seed_options(parser, runs: int, runs_help: str, kind: str, out_note: str) -> None:
    """The options of a command that runs a scenario over many seeds as a batch.

    --runs, --seed (its batch seeds, as every such command draws them), --workers, --set and
    --out (default outputs/<kind>/<name>-<hash>/).
    """
    parser.add_argument("--runs", type=at_least_one, default=runs,
                        help=f"{runs_help} (default: {runs})")
    parser.add_argument("--seed", type=seed, default=0,
                        help="base seed: the runs take its batch seeds, as batch, validate, "
                        "compare and calibrate do (default: 0)")
    parser.add_argument("--workers", type=workers, default=None,
                        help="worker processes, or auto (default: auto, all cores)")
    parser.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="KEY.PATH=VALUE", help="override a scenario value; repeatable")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"results folder (default: outputs/{kind}/<name>-<hash>/); "
                        + out_note)


def add_batch_parser(sub) -> None:
    """The ``batch`` subcommand: seeds x design points, resumable, local or on Dask."""
    batch = sub.add_parser(
        "batch", help="run scenarios over many seeds and design points into a results folder",
        description="Run one or more scenarios over --runs seeds for every design point "
        "(--sweep values, or --design lhs/morris/sobol samples of --range bounds). Each "
        "finished run is stored at once; the same command again skips finished runs and "
        "completes the rest. Results: DIR/summary.parquet, DIR/runs/{timeseries,events}/, "
        "DIR/manifest.json; load them with sim.load_batch(DIR).")
    batch.add_argument("scenarios", nargs="*", type=Path, default=[DEFAULT_SCENARIO],
                       metavar="SCENARIO", help="scenario TOML files (default: the historical "
                       "scenario); several files are compared side by side")
    batch.add_argument("--runs", type=at_least_one, default=10,
                       help="seeds per design point (default: 10)")
    batch.add_argument("--seed", type=seed, default=0,
                       help="base seed; run i uses SeedSequence(seed)'s i-th child (default: 0)")
    batch.add_argument("--workers", type=workers, default=None,
                       help="worker processes, or Dask LocalCluster workers, or auto "
                       "(default: auto, all cores)")
    batch.add_argument("--scheduler", default=None, metavar="tcp://HOST:8786",
                       help="send the runs to a running Dask cluster")
    batch.add_argument("--dask", choices=["local"], default=None,
                       help="start a Dask LocalCluster instead of a process pool")
    batch.add_argument("--set", dest="overrides", action="append", default=[],
                       metavar="KEY.PATH=VALUE", help="override a scenario value; repeatable")
    batch.add_argument("--sweep", dest="sweeps", action="append", default=[],
                       metavar="KEY.PATH=V1,V2,...",
                       help="values to sweep; several --sweep give their full factorial")
    batch.add_argument("--design", choices=["grid", "lhs", "morris", "sobol"], default="grid",
                       help="grid (sweeps only), Latin hypercube, Morris screening or Sobol "
                       "indices over the --range bounds (default: grid)")
    batch.add_argument("--samples", type=not_negative, default=0,
                       help="lhs: points; morris: trajectories r (r(D+1) points); sobol: base "
                       "sample N, a power of two (N(D+2) points)")
    batch.add_argument("--range", dest="ranges", action="append", default=[],
                       metavar="KEY.PATH=LOW:HIGH",
                       help="bounds of a sampled value (numbers, whole numbers or dates)")
    batch.add_argument("--outcome", dest="outcomes", action="append", default=[],
                       metavar="COLUMN", help="summary column to report and analyse "
                       "(default: each side's dead, cold dead, encircled units, closest "
                       "approach)")
    batch.add_argument("--group", type=at_least_one, default=None,
                       help="runs per task (default: enough tasks to keep workers busy, at "
                       "most 8 runs each)")
    batch.add_argument("--out", type=Path, default=None,
                       help="results folder (default: outputs/batches/<name>-<hash>/)")
    batch.add_argument("--quiet", action="store_true", help="no progress bar or tables")


def add_calibrate_parser(sub) -> None:
    """The ``calibrate`` subcommand: a Latin hypercube over sourced ranges, scored on the record."""
    calibrate = sub.add_parser(
        "calibrate", help="search sourced parameter ranges for the values nearest the record",
        description="Sample the ranges of a ranges file (each bound with its source) as a "
        "Latin hypercube, run every point over the same --runs seeds as a resumable batch, "
        "score each point against the scenario's record and rank the points: most fitted "
        "targets met first, then the smallest summed miss. Targets not named by --fit are "
        "held out: reported, not ranked on. Results: DIR/calibration.csv and the batch files.")
    calibrate.add_argument("scenario", nargs="?", type=Path, default=DEFAULT_SCENARIO,
                           help="scenario TOML file with a record (default: %(default)s)")
    calibrate.add_argument("--ranges", type=Path, default=DEFAULT_RANGES,
                           help="ranges file: [ranges.\"key.path\"] low, high, source "
                           "(default: %(default)s)")
    calibrate.add_argument("--points", type=at_least_one, default=32,
                           help="design points of the Latin hypercube (default: 32)")
    calibrate.add_argument("--runs", type=at_least_one, default=20,
                           help="seeds per design point (default: 20)")
    calibrate.add_argument("--seed", type=seed, default=0,
                           help="base seed of the runs and of the design (default: 0)")
    calibrate.add_argument("--fit", action="append", default=[], metavar="TARGET",
                           help="a target of the record to fit (a milestone or casualty "
                           "name); repeatable; default: all of them")
    calibrate.add_argument("--target", type=share, default=0.6,
                           help="hit rate a milestone needs to be met (default: 0.6)")
    calibrate.add_argument("--set", dest="overrides", action="append", default=[],
                           metavar="KEY.PATH=VALUE", help="override a scenario value; repeatable")
    calibrate.add_argument("--top", type=at_least_one, default=5,
                           help="points to print (default: 5)")
    calibrate.add_argument("--workers", type=workers, default=None,
                           help="worker processes, or auto (default: auto, all cores)")
    calibrate.add_argument("--out", type=Path, default=None,
                           help="results folder (default: outputs/calibration/<name>-<hash>/)")
    calibrate.add_argument("--quiet", action="store_true", help="no progress bar")


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    commands = {"run": command_run, "validate": command_validate, "batch": command_batch,
                "calibrate": command_calibrate, "compare": command_compare,
                "params": command_params, "schema": command_schema, "journal": command_journal}
    if not argv or argv[0] not in {*commands, "-h", "--help"}:
        argv = ["run", *argv]  # options without a command apply to the historical replay
    args = parser.parse_args(argv)
    from .invariants import InvariantBroken
    from .scenario import ScenarioError
    from .store import StoreError

    try:
        if args.command in commands:
            return commands[args.command](args)
    except (ScenarioError, StoreError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except InvariantBroken as exc:
        print(f"check failed: {exc}", file=sys.stderr)
        return 3
    parser.print_help()
    return 1


def command_journal(args) -> int:
    """Print each battalion's way from a moment to the end of a run, and write journal.csv."""
    import datetime as dt

    from rich.console import Console
    from rich.table import Table

    from .journal import COLUMNS, journal_of_run, read_events, withdrawing_side
    from .scenario import ScenarioError, load_scenario

    folder = args.folder
    for name in ("units.parquet", "events.jsonl"):
        if not (folder / name).is_file():
            raise ScenarioError(f"{folder}: no {name}; expected the output folder of a run "
                                "(run_sim.py run --out FOLDER)")
    scenario = load_scenario(args.scenario)
    side = args.side or withdrawing_side(read_events(folder)) or next(iter(scenario.sides))
    if side not in scenario.sides:
        raise ScenarioError(f"--side {side}: not a side of {args.scenario}; expected one of "
                            f"{', '.join(scenario.sides)}")
    if args.since is not None:
        try:
            dt.datetime.fromisoformat(args.since)
        except ValueError:
            raise ScenarioError(f"--from {args.since}: expected a date (YYYY-MM-DD) or a time "
                                "(YYYY-MM-DDTHH:MM)") from None
    try:
        table, moment = journal_of_run(folder, scenario, side, args.since)
    except ValueError as exc:
        raise ScenarioError(str(exc)) from None
    if table.empty:
        print(f"no {side} battalion was in the field at {moment}")
        return 0
    table.to_csv(folder / "journal.csv", index=False)
    shown = Table(title=f"{scenario.sides[side].name} from {moment.replace('T', ' ')}: "
                  f"each battalion's way to the end of the run", box=None, padding=(0, 1))
    text = ("battalion", "way", "ended")
    for column in table.columns:
        shown.add_column(column, justify="left" if column in text else "right",
                         no_wrap=column not in ("way", "ended"),
                         min_width=12 if column in ("way", "ended") else None)
    for _, row in table.iterrows():
        shown.add_row(*[_cell(value) for value in row])
    console = Console(width=max(210, Console().width))  # one line per battalion
    console.print(shown)
    legend = "; ".join(f"{column}: {meaning}" for column, meaning in COLUMNS.items()
                       if column in table.columns and column not in text + ("men", "dead"))
    console.print(f"[dim]{legend}[/dim]")
    print(f"journal.csv in {folder}")
    return 0


def _cell(value) -> str:
    """A journal value as the table shows it."""
    if isinstance(value, float):
        return "" if value != value else f"{value:,.0f}" if abs(value) >= 10 else f"{value:.1f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def command_compare(args) -> int:
    """Run a base and its variants over the same seeds and print their paired differences."""
    import datetime as dt

    from .batch import BatchDefinition, execute, open_executor, plan_batch
    from .compare import comparison_figure, comparison_table, render, run_measures
    from .record import load_record
    from .store import ResultStore

    files = [args.base, *args.variants]
    definition = BatchDefinition(scenarios=files, runs=args.runs, seed=args.seed,
                                 overrides=args.overrides)
    batch = plan_batch(definition)  # every scenario loaded and checked before anything runs
    base = batch.points[0].scenario
    out_dir = writable_folder(args.out or default_out_dir("comparisons", base.name, definition))
    with open_executor(args.workers) as (executor, count):
        report = execute(batch, ResultStore(out_dir), executor, count, progress=not args.quiet)
    if report.interrupted or report.aborted:
        print("interrupted: run the same command again to complete the comparison",
              file=sys.stderr)
        return 130 if report.interrupted else 1
    ok = report.summary[report.summary["status"] == "ok"]
    record = load_record(base.record) if base.record is not None else None
    runs, measures, notes, origins = {}, {}, [], {}
    names = [point.scenario_file.stem for point in batch.points]
    names = [n if names.count(n) == 1 else f"{n} ({p.scenario_file.parent.name})"
             for n, p in zip(names, batch.points)]
    for name, point in zip(names, batch.points):
        shift = point.scenario.shifted_by_days
        frame, found = run_measures(ok[ok["point"] == point.index], record,
                                    list(base.sides), base.start_date, shift)
        runs[name] = frame
        origins[name] = base.start_date + dt.timedelta(days=shift)
        measures.update({m.label: m for m in found})
        if shift:
            notes.append(f"{name}: its schedule moves {shift:+d} days; it is scored against "
                         "the record's windows moved by as many days, and its dates count "
                         "from its own start.")
        if frame.empty:
            notes.append(f"{name}: no run finished; see sim.load_batch({str(out_dir)!r})."
                         "failures")
    table = comparison_table(runs, list(measures.values()), names[0], seed=args.seed,
                             origins=origins)
    print(render(table, names[0], notes))
    table.to_csv(out_dir / "comparison.csv", index=False)
    comparison_figure(table, names[0]).savefig(out_dir / "comparison.png", dpi=120)
    print(f"{len(ok)} runs ({args.runs} seeds per scenario); comparison.csv and comparison.png "
          f"in {out_dir}")
    return 0


def command_params(args) -> int:
    """List the parameters matching a pattern (all without one)."""
    from .reference import format_parameters, parameter_keys

    keys = parameter_keys(args.pattern)
    if not keys:
        print(f"error: no parameter matches {args.pattern!r}; try 'run_sim.py params' for all",
              file=sys.stderr)
        return 2
    print(format_parameters(keys))
    return 0


def command_schema(args) -> int:
    """Write the scenario format reference."""
    from .output import atomic_write
    from .reference import scenario_format_markdown

    text = scenario_format_markdown()
    writable_folder(args.out.parent)
    atomic_write(args.out, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    print(f"scenario format reference written to {args.out}")
    return 0


def command_run(args) -> int:
    """Run one scenario and write its outputs."""
    from tqdm import tqdm

    from .invariants import check_step
    from .model import OperationModel
    from .moments import (
        MomentRecorder,
        check_moments,
        label_of,
        parse_moments,
        write_moment_maps,
    )
    from .output import summarise, write_outputs
    from .scenario import load_scenario

    scenario = load_scenario(args.scenario, args.overrides)
    out_dir = writable_folder(args.out or ROOT / "outputs" / scenario.name)
    given = [part.strip() for part in args.map_at.split(",") if part.strip()]
    moments = [] if args.no_map else list(zip(given, parse_moments(args.map_at)))
    check_moments([m for _, m in moments], scenario.start_date, scenario.end_date)
    model = OperationModel(scenario, rng=args.seed)
    snapshots = MomentRecorder(model) if moments else None
    recorder = None
    if args.animate:
        from .animation import ReplayRecorder

        recorder = ReplayRecorder(model, args.frame_hours)
    with tqdm(total=scenario.steps, desc=scenario.name, unit="step", disable=args.quiet,
              leave=False) as bar:
        while model.running:
            model.step()
            if args.check:
                check_step(model)
            if snapshots is not None:
                snapshots.observe()
            if recorder is not None:
                recorder.observe()
            bar.update(1)
    paths = write_outputs(model, out_dir, map_png=not args.no_map)
    if snapshots is not None:
        labelled = [(label_of(m, text), m) for text, m in moments]
        paths.update(write_moment_maps(model, snapshots, labelled, out_dir))
    if recorder is not None:
        from .animation import animate_replay

        paths.update(animate_replay(recorder, out_dir, progress=not args.quiet))
    if not args.quiet:
        summary = summarise(model)
        print(format_summary(summary))
        if "milestones" in summary:
            print(format_milestones(summary))
        print(f"outputs in {out_dir}: " + ", ".join(p.name for p in paths.values()))
    return 0


def format_milestones(summary: dict) -> str:
    """The run's milestones beside the record's windows."""
    lines = ["", f"{'milestone':<46}{'this run':>12}  {'record':<25}"]
    for entry in summary["milestones"].values():
        if "window" in entry:
            got = entry["date"] or "never"
            want = f"{entry['window'][0]} .. {entry['window'][1]}"
            mark = "in window" if entry["in_window"] else "outside"
        else:
            got = str(entry["value"])
            want = f"{entry['range'][0]} .. {entry['range'][1]}"
            mark = "in range" if entry["in_range"] else "outside"
        lines.append(f"{entry['label']:<46}{got:>12}  {want:<25}{mark}")
    approach = summary.get("closest_approach")
    if approach:
        lines.append(f"{'closest approach to ' + approach['place'] + ' (km, date)':<46}"
                     f"{approach['km']!s:>12}  {approach['date'] or ''}")
    return "\n".join(lines)


def command_validate(args) -> int:
    """Run many seeds through the batch runner and score them against the record.

    The runs are a batch of one design point (the batch's seeds: ``SeedSequence(--seed)``'s
    children), stored and resumable like any batch, so a seed means the same run in
    ``validate``, ``batch`` and ``calibrate``.
    """
    from .batch import BatchDefinition, execute, open_executor, plan_batch
    from .scenario import load_scenario
    from .scoring import load_record
    from .store import ResultStore

    scenario = load_scenario(args.scenario, args.overrides)
    if scenario.record is None:
        print(f"error: {args.scenario}: no 'record' key; nothing to validate against",
              file=sys.stderr)
        return 2
    record = load_record(scenario.record)
    definition = BatchDefinition(scenarios=[args.scenario], runs=args.runs, seed=args.seed,
                                 overrides=args.overrides)
    batch = plan_batch(definition)
    out_dir = writable_folder(args.out or default_out_dir("validations", scenario.name,
                                                          definition))
    with open_executor(args.workers) as (executor, workers):
        report = execute(batch, ResultStore(out_dir), executor, workers, progress=True)
    if report.interrupted or report.aborted:
        print("interrupted: run the same command again to complete the validation",
              file=sys.stderr)
        return 130 if report.interrupted else 1
    rows = report.summary[report.summary["status"] == "ok"]  # failures are the batch's to list
    if rows.empty:
        print(f"error: no run of {args.scenario} finished; see "
              f"sim.load_batch({str(out_dir)!r}).failures", file=sys.stderr)
        return 1
    text, passed = validation_report(rows, record, args.target)
    print(f"{scenario.name}: {len(rows)} runs (the batch seeds of --seed {args.seed}) "
          f"against {record.name}; runs stored in {out_dir}")
    print(text)
    side = next(iter(record.casualties.values())).side if record.casualties else None
    if side is not None:
        from .scoring import deaths_by_phase
        from .store import load_batch

        results = load_batch(out_dir)
        phases = deaths_by_phase(results.timeseries, results.events, side)
        print(f"\n{side} dead by cause and phase (median over runs; a column's medians need "
              "not add up)")
        print(phases.round(0).astype(int).to_string())
    return 1 if args.strict and not passed else 0


def validation_report(rows, record, target: float) -> tuple[str, bool]:
    """Hit rates of milestones and casualty medians against the record, as a table.

    ``rows`` are runs' flat summary rows; the scoring is :func:`sim.scoring.score_batch`.
    """
    import pandas as pd

    from .scoring import score_batch

    score = score_batch(pd.DataFrame(rows), record, target)
    milestones, casualties = score.iloc[:len(record.milestones)], score.iloc[
        len(record.milestones):]
    lines = [f"{'milestone':<46}{'hit rate':>9}  {'median date / value':<28}{'record':<25}"]
    for _, row in milestones.iterrows():
        middle = str(row["median"])
        if pd.notna(row["never"]) and row["never"]:
            middle += f" ({row['never']:.0%} never)"
        lines.append(f"{row['measure']:<46}{row['score']:>8.0%}  {middle:<28}"
                     f"{row['record']:<25}{_verdict(row)}")
    lines.append("")
    lines.append(f"{'casualties':<46}{'median':>9}  {'5-95 %':<28}{'target range':<25}")
    for (_, row), target_def in zip(casualties.iterrows(), record.casualties.values()):
        fmt = (lambda v: f"{v:.0%}") if target_def.measure == "cold_share" else (
            lambda v: f"{v:,.0f}")
        lines.append(f"{row['measure']:<46}{fmt(row['median']):>9}  "
                     f"{fmt(row['p05']) + ' .. ' + fmt(row['p95']):<28}"
                     f"{fmt(target_def.range[0]) + ' .. ' + fmt(target_def.range[1]):<25}"
                     f"{_verdict(row)}")
    return "\n".join(lines), bool(score.loc[score["scored"], "ok"].all())


def _verdict(row) -> str:
    """The verdict: ok or MISS for a scored figure, 'reported' for one not scored."""
    if not row["scored"]:
        return "reported"
    return "ok" if row["ok"] else "MISS"


def command_batch(args) -> int:
    """Run a batch and print its outcome distributions (and sensitivity indices)."""
    from .batch import (
        BatchDefinition,
        default_outcomes,
        execute,
        format_outcome_table,
        open_executor,
        outcome_table,
        plan_batch,
    )
    from .designs import format_sensitivity, sensitivity
    from .store import ResultStore

    definition = BatchDefinition(
        scenarios=list(args.scenarios), runs=args.runs, seed=args.seed,
        overrides=args.overrides, sweeps=args.sweeps, design=args.design,
        samples=args.samples, ranges=args.ranges)
    batch = plan_batch(definition)
    out_dir = writable_folder(args.out or default_out_dir(
        "batches", batch.points[0].scenario.name, definition))
    store = ResultStore(out_dir)
    if not args.quiet:
        print(f"{len(batch.points)} design points x {args.runs} seeds = {len(batch.runs)} "
              f"runs -> {out_dir}")
    with open_executor(args.workers, args.scheduler, args.dask) as (executor, workers):
        report = execute(batch, store, executor, workers, group=args.group,
                         progress=not args.quiet)
    summary = report.summary
    outcomes = args.outcomes or default_outcomes(summary, batch.points[0].scenario)
    unknown = [o for o in outcomes if not summary.empty and o not in summary]
    if unknown:
        print(f"error: --outcome {', '.join(unknown)}: not a column of "
              f"{out_dir / 'summary.parquet'}", file=sys.stderr)
        return 2
    table = outcome_table(summary, outcomes, batch.parameter_names)
    if not table.empty:
        table.to_csv(out_dir / "outcomes.csv", index=False)
    if not args.quiet:
        print(format_outcome_table(table, outcomes, batch.parameter_names))
    if args.design in ("morris", "sobol") and report.complete and report.failed == 0:
        varied = [o for o in outcomes
                  if summary[o].astype(float).nunique() > 1]
        indices = sensitivity(args.design, batch.ranges, batch.matrix, summary, varied,
                              seed=args.seed)
        indices.to_csv(out_dir / "sensitivity.csv", index=False)
        print(f"\n{args.design} sensitivity (outcome means over {args.runs} seeds per point; "
              f"saved to {out_dir / 'sensitivity.csv'})")
        print(format_sensitivity(indices))
    shared = f" ({report.shared} shared by identical points)" if report.shared else ""
    print(f"{report.finished} runs done, {report.skipped} already stored{shared}, "
          f"{report.failed} failed, {report.aborted} lost with a worker, in "
          f"{report.seconds:.1f} s; results in {out_dir}")
    if report.failed:
        print(f"failed runs and their errors: sim.load_batch({str(out_dir)!r}).failures",
              file=sys.stderr)
    if report.interrupted or report.aborted:
        print("interrupted: run the same command again to complete the batch", file=sys.stderr)
        return 130 if report.interrupted else 1
    return 0


def default_out_dir(kind: str, name: str, definition) -> Path:
    """``outputs/<kind>/<name>-<hash of the batch definition>/``: one folder per definition."""
    import hashlib
    import json

    tag = hashlib.sha256(json.dumps(definition.as_dict()).encode()).hexdigest()[:8]
    return ROOT / "outputs" / kind / f"{name}-{tag}"


def command_calibrate(args) -> int:
    """Run a calibration batch over sourced ranges and rank its points against the record."""
    from .batch import BatchDefinition, execute, open_executor, plan_batch
    from .calibration import check_fitted, format_report, load_ranges, rank_points, reach
    from .scenario import ScenarioError, load_scenario
    from .scoring import load_record
    from .store import ResultStore

    ranges = load_ranges(args.ranges)
    scenario = load_scenario(args.scenario, args.overrides)
    if scenario.record is None:
        print(f"error: {args.scenario}: no 'record' key; nothing to calibrate against",
              file=sys.stderr)
        return 2
    record = load_record(scenario.record)
    fitted = check_fitted(record, args.fit)
    if args.points < 1 or args.runs < 1:
        print(f"error: --points {args.points} --runs {args.runs}: expected at least one of each",
              file=sys.stderr)
        return 2
    for r in ranges:
        try:
            load_scenario(args.scenario, [*args.overrides, f"{r.key}={r.low!r}"])
        except ScenarioError as exc:
            raise ScenarioError(f"{args.ranges}: ranges.{r.key!r} is not a value of the "
                                f"scenario: {exc}") from None
    definition = BatchDefinition(
        scenarios=[args.scenario], runs=args.runs, seed=args.seed, overrides=args.overrides,
        design="lhs", samples=args.points, ranges=[r.as_range_option() for r in ranges])
    batch = plan_batch(definition)
    out_dir = writable_folder(args.out or default_out_dir("calibration", scenario.name,
                                                          definition))
    store = ResultStore(out_dir)
    if not args.quiet:
        print(f"calibrating {scenario.name}: {len(ranges)} ranges, {len(batch.points)} points "
              f"x {args.runs} seeds = {len(batch.runs)} runs -> {out_dir}")
    with open_executor(args.workers) as (executor, workers):
        report = execute(batch, store, executor, workers, progress=not args.quiet)
    if report.interrupted or report.aborted:
        print("interrupted: run the same command again to complete the calibration",
              file=sys.stderr)
        return 130 if report.interrupted else 1
    table = rank_points(report.summary, batch.design_frame(), record, fitted, args.target)
    table.to_csv(out_dir / "calibration.csv", index=False)
    print(format_report(table, reach(table, record), ranges, record, fitted, args.top))
    print(f"{report.finished} runs done, {report.skipped} already stored, {report.failed} "
          f"failed, in {report.seconds:.1f} s; ranked points in {out_dir / 'calibration.csv'}")
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

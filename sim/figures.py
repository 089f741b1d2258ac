"""The README's figures, made by one command: ``make figures`` (``python -m sim.figures``).

- ``docs/peak_map.png``: the historical replay, seed 0, at its deepest Azerbaijani advance;
- ``docs/milestones.png``: the record's milestones, each run's date against the window;
- ``docs/outcomes.png``: the casualty figures and pockets of the runs against the record.

The runs are a batch of the historical scenario (``--runs``, 40 by default: the batch seeds of
seed 0, as ``validate`` draws them), stored in ``outputs/figures/`` and reused when run again.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .batch import BatchDefinition, execute, open_executor, plan_batch
from .cli import DEFAULT_SCENARIO, ROOT
from .model import OperationModel
from .moments import MomentRecorder, write_moment_maps
from .output import atomic_write
from .plots import milestone_dates, outcome_distributions
from .record import load_record
from .scenario import load_scenario
from .store import ResultStore

DOCS = ROOT / "docs"


def peak_map(scenario_file: Path, seed: int, out: Path) -> Path:
    """The replay of one seed drawn at its peak."""
    scenario = load_scenario(scenario_file)
    model = OperationModel(scenario, rng=seed)
    recorder = MomentRecorder(model)
    while model.running:
        model.step()
        recorder.observe()
    written = write_moment_maps(model, recorder, [("peak", "peak")], out.parent, dpi=80)
    written["peak"].replace(out)
    return out


def batch_figures(scenario_file: Path, runs: int, out_dir: Path) -> list[Path]:
    """The milestone and outcome figures of a batch of seeds."""
    scenario = load_scenario(scenario_file)
    record = load_record(scenario.record)
    batch = plan_batch(BatchDefinition(scenarios=[scenario_file], runs=runs, seed=0))
    with open_executor(None) as (executor, workers):
        report = execute(batch, ResultStore(ROOT / "outputs" / "figures"), executor, workers)
    ok = report.summary
    paths = []
    for name, fig in (("milestones.png", milestone_dates(ok, record)),
                      ("outcomes.png", outcome_distributions(ok, record))):
        fig.suptitle(f"{record.name}: {len(ok)} runs of the historical scenario", fontsize=10)
        path = out_dir / name
        atomic_write(path, lambda tmp, f=fig: f.savefig(tmp, dpi=90, format="png"))
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    """Write the README's figures into docs/."""
    parser = argparse.ArgumentParser(prog="python -m sim.figures", description=__doc__)
    parser.add_argument("--runs", type=int, default=40, help="seeds of the batch (default 40)")
    args = parser.parse_args(argv)
    DOCS.mkdir(exist_ok=True)
    written = [peak_map(DEFAULT_SCENARIO, 0, DOCS / "peak_map.png"),
               *batch_figures(DEFAULT_SCENARIO, args.runs, DOCS)]
    for path in written:
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

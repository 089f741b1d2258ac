# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · What if? The main what-ifs side by side, a sweep and a sensitivity analysis
#
# Each what-if in `scenarios/whatif/` changes one cause — a commander's decision, the
# equipment, the season or the weather — and leaves the rest to the model. All variants run
# with the same seeds (common random numbers), so their differences are the differences the
# cause makes.
#
# `SIM_QUICK=1` runs a handful of seeds and a tiny design; otherwise 20 seeds per variant, a
# 4 × 3 sweep with 5 seeds per cell and a Morris screening of 10 trajectories.

# %%
# %matplotlib inline
import os
from pathlib import Path

import pandas as pd

from sim import load_batch
from sim.batch import BatchDefinition, execute, open_executor, plan_batch
from sim.designs import sensitivity
from sim.plots import compare_outcomes, milestone_outcomes, sensitivity_bars, sweep_heatmap
from sim.scenario import load_scenario
from sim.scoring import load_record, score_batch
from sim.store import ResultStore

ROOT = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "scenarios").is_dir())
HISTORICAL = ROOT / "scenarios" / "kalbajar_1993_94.toml"
WHATIF = ROOT / "scenarios" / "whatif"
QUICK = os.environ.get("SIM_QUICK") == "1"
RUNS = 2 if QUICK else 20
WORKERS = 2
OUT = ROOT / "outputs" / "notebooks"
record = load_record(load_scenario(HISTORICAL).record)


def run_batch(name, definition):
    """Run (or complete) a batch into outputs/notebooks/NAME and load it."""
    batch = plan_batch(definition)
    with open_executor(WORKERS) as (executor, workers):
        execute(batch, ResultStore(OUT / name), executor, workers)
    return batch, load_batch(OUT / name)


# %% [markdown]
# ## The what-ifs side by side

# %%
variants = [HISTORICAL] + [WHATIF / f"{name}.toml" for name in (
    "autumn_start", "full_winter_gear", "no_counteroffensive", "omar_pass_held",
    "early_armenian_reinforcements", "early_counteroffensive", "late_counteroffensive")]
_, whatifs = run_batch(f"03_whatifs_{RUNS}", BatchDefinition(variants, runs=RUNS))
summary = whatifs.summary
compare_outcomes(summary, ["azerbaijan_dead", "azerbaijan_cold_dead", "armenia_dead",
                           "closest_approach_km"], record=record)

# %% [markdown]
# Which milestones each variant still meets. A variant launched earlier or later is held
# against the record's windows moved by the same days (`autumn_start`: 91 days).

# %%
shifts = {load_scenario(v).name: load_scenario(v).shifted_by_days for v in variants}
milestone_outcomes(summary, record, shifts)

# %% [markdown]
# Milestone hit rates and casualty medians of each variant against the record as it is: a
# what-if is not expected to match history; the table shows how far each cause moves it.

# %%
scores = {name: score_batch(group, record).set_index("measure")["score"]
          for name, group in summary.groupby("scenario", sort=False)}
pd.DataFrame(scores).style.format("{:.2f}")

# %% [markdown]
# ## A sweep: start date × winter equipment → cold deaths
#
# The same operation launched earlier or later (every scheduled order moves with the start)
# with the Azerbaijani battalions' winter kit from none to full.

# %%
shifts = "-91,0" if QUICK else "-91,-61,-30,0"
kits = "0.35,1.0" if QUICK else "0.0,0.35,1.0"
_, sweep = run_batch(f"03_sweep_{RUNS}", BatchDefinition(
    [HISTORICAL], runs=1 if QUICK else 5,
    sweeps=[f"shift_schedule_days={shifts}", f"sides.azerbaijan.winter_equipment={kits}"]))
sweep_heatmap(sweep.summary, "shift_schedule_days", "sides.azerbaijan.winter_equipment",
              "azerbaijan_cold_dead")

# %% [markdown]
# ## Which parameters matter? Morris screening
#
# Elementary effects of four what-if knobs on the main outcomes, each averaged over the seeds
# of a point. mu* ranks influence; a sigma close to mu* flags interactions or non-linearity.

# %%
ranges = ["sides.azerbaijan.winter_equipment=0.0:1.0", "weather.temperature_offset_c=-5.0:5.0",
          "shift_schedule_days=-60:20", "parameters.combat.advance_km_per_day=1.0:4.0"]
design, morris = run_batch(f"03_morris_{RUNS}", BatchDefinition(
    [HISTORICAL], runs=1 if QUICK else 4, design="morris", samples=2 if QUICK else 10,
    ranges=ranges))
outcomes = ["azerbaijan_dead", "azerbaijan_cold_dead", "closest_approach_km"]
indices = sensitivity("morris", design.ranges, design.matrix, morris.summary, outcomes)
sensitivity_bars(indices)

# %%
indices.round(2)

# %%
assert set(summary["scenario"]) == {load_scenario(v).name for v in variants}
assert len(indices) == len(outcomes) * len(ranges)

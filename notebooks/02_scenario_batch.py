# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · A batch over seeds: what the distributions say about the record
#
# One run is one draw of the weather, of every engagement and of every march. This notebook
# runs the historical scenario over many seeds, stores the results in a batch folder (a
# re-run skips the runs already there) and compares the distributions with the record.
#
# `SIM_QUICK=1` runs 6 seeds; otherwise 100 (about two minutes per 100 runs on two cores).

# %%
# %matplotlib inline
import os
from pathlib import Path

from sim import load_batch
from sim.batch import BatchDefinition, execute, open_executor, plan_batch
from sim.plots import losses_over_time, milestone_dates, outcome_distributions
from sim.scenario import load_scenario
from sim.scoring import load_record, score_batch
from sim.store import ResultStore

ROOT = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "scenarios").is_dir())
SCENARIO = ROOT / "scenarios" / "kalbajar_1993_94.toml"
QUICK = os.environ.get("SIM_QUICK") == "1"
RUNS = 6 if QUICK else 100
WORKERS = 2
OUT = ROOT / "outputs" / "notebooks" / f"02_historical_{RUNS}_runs"

# %%
batch = plan_batch(BatchDefinition([SCENARIO], runs=RUNS, seed=0))
with open_executor(WORKERS) as (executor, workers):
    report = execute(batch, ResultStore(OUT), executor, workers)
print(f"{report.finished} runs done, {report.skipped} already stored, {report.failed} failed")
results = load_batch(OUT)
summary = results.summary
record = load_record(load_scenario(SCENARIO).record)
summary.head()

# %% [markdown]
# ## Losses over time
#
# The line is the median over the runs, the band their 5–95 % range.

# %%
losses_over_time(results.timeseries)

# %% [markdown]
# ## Casualties against the record
#
# Shaded: the range the sources allow for the median; dashed: the sources' own figures.

# %%
outcome_distributions(summary, record)

# %% [markdown]
# ## Milestones against their windows

# %%
milestone_dates(summary, record)

# %% [markdown]
# ## The score
#
# Share of runs that reach each milestone inside the record's window, and the casualty
# medians against their ranges. A milestone passes when at least 60 % of the runs hit it.

# %%
score = score_batch(summary, record, target=0.6)
score

# %%
assert len(summary) == RUNS and summary["key"].is_unique
assert (summary["azerbaijan_dead"] >= 0).all()
assert len(score) == len(record.milestones) + len(record.casualties)

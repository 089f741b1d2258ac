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
# # 01 · The historical replay
#
# One run of Operation Kalbajar (15 Dec 1993 – Feb 1994) with seed 0: the theatre on the key
# days of this run, the losses by cause, and the run's milestones against the historical
# record (`scenarios/kalbajar_record.toml`). The model never reads the record; it is only
# used here, after the run, to score it.
#
# `SIM_QUICK=1` in the environment changes nothing here: a single replay takes a few seconds.

# %%
# %matplotlib inline
import os
from pathlib import Path

import pandas as pd
from IPython.display import display

from sim.cli import format_milestones, format_summary
from sim.journal import journal_of_model
from sim.mapping import draw_map
from sim.model import OperationModel
from sim.output import model_timeseries, summarise
from sim.plots import losses_over_time
from sim.scenario import load_scenario

ROOT = next(p for p in [Path.cwd(), *Path.cwd().parents] if (p / "scenarios").is_dir())
SCENARIO = ROOT / "scenarios" / "kalbajar_1993_94.toml"
SEED = 0
QUICK = os.environ.get("SIM_QUICK") == "1"

# %% [markdown]
# ## The run

# %%
scenario = load_scenario(SCENARIO)
model = OperationModel(scenario, rng=SEED)
model.run_for(scenario.steps)
summary = summarise(model)
print(format_summary(summary))
print(format_milestones(summary))

# %% [markdown]
# ## The theatre on the key days of this run
#
# The same seed gives the same run, so the model is replayed to each day this run reached a
# milestone: the Murov crossed, the Vardenis–Martakert road cut, and the Omar Pass road cut
# (or the last day, if the road was never cut in this run).

# %%
def replay_until(when):
    """The model of this run, stepped to the start of a day."""
    replay = OperationModel(scenario, rng=SEED)
    target = pd.Timestamp(when).to_pydatetime()
    while replay.running and replay.clock.at(replay.time) < target:
        replay.step()
    return replay


key_days = {}
for name in ("murov_crossed", "vardenis_martakert_road_cut", "omar_road_cut"):
    entry = summary["milestones"][name]
    key_days[entry["label"]] = entry["date"] or summary["end_date"]
key_days

# %%
for label, day in key_days.items():
    display(draw_map(replay_until(day), title=f"{label}: {day}"))

# %% [markdown]
# ## Losses by cause
#
# Dead by side and cause over the operation: combat, cold (hypothermia and frostbite that
# kills) and avalanches.

# %%
losses_over_time(model_timeseries(model), title=f"{scenario.name}, seed {SEED}")

# %% [markdown]
# ## The retreat, battalion by battalion
#
# Each Azerbaijani battalion from the withdrawal order to the end: the passes it crossed, the
# hours it marched and halted out in the wind, the worst weather it met, its dead by cause and
# how it ended (as `run_sim.py journal` prints it for a run folder).

# %%
if any(e["event"] == "withdrawal" for e in model.events):
    retreat, since = journal_of_model(model, "azerbaijan")
    print(f"from {since}")
    display(retreat)

# %% [markdown]
# ## Milestones against the record

# %%
rows = []
for entry in summary["milestones"].values():
    rows.append({"milestone": entry["label"],
                 "this run": entry.get("date") or entry.get("value") or "never",
                 "record": " .. ".join(str(v) for v in entry.get("window") or entry["range"]),
                 "in record": entry.get("in_window", entry.get("in_range"))})
milestones = pd.DataFrame(rows)
milestones

# %%
sides = summary["sides"]
assert all(s["alive"] >= 0 and s["dead"] >= 0 for s in sides.values())
assert len(milestones) == len(summary["milestones"])

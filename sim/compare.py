"""What-ifs beside their base: the same seeds, paired differences, bootstrap intervals.

``run_sim.py compare BASE.toml VARIANT.toml ... --runs N`` runs every scenario over the same
seeds (a resumable batch) and measures each run: the record's milestones (in their window or
not, and their dates), battalions encircled, the dead by cause, the closest approach. Each
variant is set beside the base run by run (seed by seed), so the difference of a measure is
the mean of the per-seed differences, with a bootstrap 90 % interval over the seeds (Efron &
Tibshirani 1993, the percentile interval). A variant that moves the schedule
(``shift_schedule_days``) is scored against the record's windows moved by the same days.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .record import Record

SIDE_MEASURES = (  # summary column suffix -> label
    ("dead", "dead"), ("killed", "killed"), ("died_of_wounds", "died of wounds"),
    ("cold_dead", "dead of cold injuries"), ("hypothermia_dead", "dead of hypothermia"),
    ("dead_unevacuated", "died untreated"), ("missing", "missing"),
    ("dead_after_withdrawal_order", "dead after the withdrawal order"),
    ("encircled_units", "battalions ever encircled"),
    ("encircled_at_end", "battalions left encircled"),
)
BOOTSTRAP_RESAMPLES = 2000
INTERVAL = (0.05, 0.95)


@dataclass(frozen=True)
class Measure:
    """One measure of a run: its label, and whether it is a rate (a yes/no per run)."""

    label: str
    rate: bool = False
    dated: bool = False  # days after the start, shown as the median date


def shifted_window(window: tuple[dt.date, dt.date], days: int) -> tuple[dt.date, dt.date]:
    """A record window moved with a scenario's schedule."""
    delta = dt.timedelta(days=days)
    return window[0] + delta, window[1] + delta


def run_measures(rows: pd.DataFrame, record: Record | None, sides: list[str],
                 start: dt.date | None, shift_days: int = 0
                 ) -> tuple[pd.DataFrame, list[Measure]]:
    """Each run's measures, one row per seed (index), one column per measure.

    Dates are days after the base's start (``start``, moved by ``shift_days``), so a shifted
    variant is compared with the base on the operation's own calendar; with no ``start`` the
    dates are left out and only the rates and counts are measured.
    """
    rows = rows.set_index("seed")
    out: dict[str, pd.Series] = {}
    measures: list[Measure] = []
    origin = None if start is None else pd.Timestamp(start + dt.timedelta(days=shift_days))
    for name, m in (record.milestones.items() if record is not None else []):
        column = f"milestone_{name}"
        if column not in rows:
            continue
        if m.window is not None:
            low, high = shifted_window(m.window, shift_days)
            dates = pd.to_datetime(rows[column].replace("", None))
            label = f"{m.label}: in window"
            out[label] = dates.between(pd.Timestamp(low), pd.Timestamp(high)).astype(float)
            measures.append(Measure(label, rate=True))
            if origin is not None:
                label = f"{m.label}: date (difference in days)"
                out[label] = (dates - origin).dt.days.astype(float)
                measures.append(Measure(label, dated=True))
        elif m.range is not None:
            counts = pd.to_numeric(rows[column], errors="coerce")
            label = f"{m.label}: {m.range[0]}-{m.range[1]}"
            out[label] = counts.between(*m.range).astype(float)
            measures.append(Measure(label, rate=True))
    for side in sides:
        for suffix, text in SIDE_MEASURES:
            column = f"{side}_{suffix}"
            if column in rows:
                label = f"{side}: {text}"
                out[label] = pd.to_numeric(rows[column], errors="coerce").astype(float)
                measures.append(Measure(label))
    if "closest_approach_km" in rows and rows["closest_approach_km"].notna().any():
        out["closest approach, km"] = pd.to_numeric(rows["closest_approach_km"], errors="coerce")
        measures.append(Measure("closest approach, km"))
    return pd.DataFrame(out), measures


def summarise(values: pd.Series, rate: bool) -> float:
    """A measure over runs: the share of runs for a rate, else the median."""
    values = values.dropna()
    if values.empty:
        return float("nan")
    return float(values.mean() if rate else values.median())


def paired_difference(base: pd.Series, variant: pd.Series, rng: np.random.Generator
                      ) -> tuple[float, float, float, int]:
    """Mean of the per-seed differences (variant - base) with its bootstrap 90 % interval.

    Only seeds where both runs have a value count (a date the milestone never reached has
    none). Returns (mean, low, high, pairs).
    """
    pairs = pd.concat([base, variant], axis=1, keys=["base", "variant"]).dropna()
    if pairs.empty:
        return float("nan"), float("nan"), float("nan"), 0
    diffs = (pairs["variant"] - pairs["base"]).to_numpy(dtype=float)
    draws = rng.integers(0, len(diffs), size=(BOOTSTRAP_RESAMPLES, len(diffs)))
    means = diffs[draws].mean(axis=1)
    low, high = np.quantile(means, INTERVAL)
    return float(diffs.mean()), float(low), float(high), len(diffs)


def comparison_table(runs: dict[str, pd.DataFrame], measures: list[Measure], base: str,
                     seed: int = 0, origins: dict[str, dt.date] | None = None) -> pd.DataFrame:
    """One row per measure and variant: base, variant, mean paired difference and interval.

    ``runs`` maps each scenario's name to its :func:`run_measures` frame; ``base`` names the
    base. The bootstrap draws come from ``seed``, so the table is reproducible. With
    ``origins`` (each scenario's start), a dated measure also gives its median dates.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for name, frame in runs.items():
        if name == base:
            continue
        for measure in measures:
            if measure.label not in frame or measure.label not in runs[base]:
                continue
            base_values, values = runs[base][measure.label], frame[measure.label]
            mean, low, high, pairs = paired_difference(base_values, values, rng)
            row = {"measure": measure.label, "variant": name,
                   "base": summarise(base_values, measure.rate),
                   "value": summarise(values, measure.rate),
                   "difference": mean, "low": low, "high": high, "pairs": pairs,
                   "rate": measure.rate, "base_date": "", "date": ""}
            if measure.dated and origins:
                row["base_date"] = as_date(origins[base], row["base"])
                row["date"] = as_date(origins[name], row["value"])
            rows.append(row)
    return pd.DataFrame(rows)


def as_date(origin: dt.date, days: float) -> str:
    """A number of days after ``origin`` as a date (empty when there is none)."""
    if days != days:
        return ""
    return (origin + dt.timedelta(days=float(days))).isoformat()


def format_number(value: float, rate: bool) -> str:
    """A rate as a percentage, anything else as a rounded number."""
    if value != value:
        return "-"
    if rate:
        return f"{value:+.0%}" if value < 0 else f"{value:.0%}"
    return f"{value:,.0f}" if abs(value) >= 10 else f"{value:.1f}"


def render(table: pd.DataFrame, base: str, notes: list[str]) -> str:
    """The comparison as a terminal table (rich), one block of columns per variant."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=160, record=True, force_terminal=False, file=io.StringIO())
    for variant, rows in table.groupby("variant", sort=False):
        grid = Table(title=f"{variant} against {base} (same seeds; difference: mean of "
                     "per-seed differences, bootstrap 90 % interval)", title_justify="left")
        for column, justify in (("measure", "left"), (base, "right"), (variant, "right"),
                                ("difference", "right"), ("90 % interval", "right")):
            grid.add_column(column, justify=justify)
        for row in rows.itertuples():
            change = row.difference
            diff = (f"{change:+.0%}" if row.rate else f"{change:+,.1f}") \
                if change == change else "-"
            interval = (f"{row.low:+.0%} .. {row.high:+.0%}" if row.rate
                        else f"{row.low:+,.1f} .. {row.high:+,.1f}") if row.pairs else "-"
            shown = [format_number(row.base, row.rate), format_number(row.value, row.rate)]
            if row.base_date or row.date:
                shown = [dt.date.fromisoformat(d).strftime("%d %b %Y") if d else "never"
                         for d in (row.base_date, row.date)]
            grid.add_row(row.measure, *shown, diff, interval)
        console.print(grid)
    for note in notes:
        console.print(note)
    return console.export_text()


KEY_SIDE_MEASURES = ("dead", "dead of cold injuries", "dead of hypothermia",
                     "battalions left encircled")


def comparison_figure(table: pd.DataFrame, base: str):
    """Paired differences with their 90 % intervals, one panel per measure.

    The record's milestones (share of runs that meet them), then the first side's dead and
    its battalions left in pockets.
    """
    from matplotlib.figure import Figure

    measures = list(dict.fromkeys(table["measure"]))
    first_side = next((m.split(":")[0] for m in measures if m.endswith(": dead")), None)
    keys = [m for m in measures if table.loc[table["measure"] == m, "rate"].any()]
    keys += [f"{first_side}: {k}" for k in KEY_SIDE_MEASURES if f"{first_side}: {k}" in measures]
    fig = Figure(figsize=(9, 1.2 + 1.1 * len(keys)), layout="constrained")
    axes = np.atleast_1d(fig.subplots(len(keys), 1))
    variants = list(dict.fromkeys(table["variant"]))
    for ax, measure in zip(axes, keys):
        rows = table[table["measure"] == measure].set_index("variant").reindex(variants)
        y = np.arange(len(variants))
        scale = 100.0 if rows["rate"].any() else 1.0
        ax.errorbar(rows["difference"] * scale, y,
                    xerr=[(rows["difference"] - rows["low"]) * scale,
                          (rows["high"] - rows["difference"]) * scale],
                    fmt="o", color="#1f5fbf", capsize=3)
        ax.axvline(0, color="0.5", lw=0.8)
        ax.set_yticks(y, variants)
        ax.set_title(measure + (" (percentage points)" if scale == 100.0 else ""),
                     fontsize=9, loc="left")
    fig.suptitle(f"What-ifs against {base}: paired differences, 90 % intervals", fontsize=10)
    return fig

"""Plots of batches: losses over time, outcomes and milestones against the record, sweeps.

Every function takes the tables of a batch folder (:func:`sim.load_batch`) and returns a
matplotlib ``Figure``, so notebooks stay short and the same pictures come out of scripts.
Colours follow the scenario's sides; causes are told apart by line style as well as colour,
so the plots survive printing in grey.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from matplotlib.dates import AutoDateLocator, DateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .compare import run_measures
from .scoring import casualty_values

CAUSES = {  # cumulative series per side -> label, line style
    "killed": ("combat and its wounds", "-"),
    "cold_dead": ("cold injuries", "--"),
    "hypothermia_dead": ("hypothermia", "-."),
    "avalanche_dead": ("avalanches", ":"),
}
SIDE_COLOURS = ["#1f5fbf", "#c8102e", "#2e7d32", "#6a1b9a"]
RECORD_SHADE = "#f2b134"


INJURIES = {  # cumulative series per side -> label, line style
    "wounded": ("wounded (alive)", "-"),
    "cold_injured": ("cold-injured (alive)", "--"),
    "missing": ("missing or captured", ":"),
}


def date_axis(ax) -> None:
    """Dates on an axis as day and month over the year (15 Dec over 1993)."""
    ax.xaxis.set_major_locator(AutoDateLocator(maxticks=8))
    ax.xaxis.set_major_formatter(DateFormatter("%-d %b\n%Y"))


def _sides(frame: pd.DataFrame) -> list[str]:
    return [c.removesuffix("_alive") for c in frame.columns if c.endswith("_alive")]


def losses_over_time(timeseries: pd.DataFrame, band: tuple[float, float] = (0.05, 0.95),
                     colours: dict[str, str] | None = None, title: str | None = None) -> Figure:
    """Cumulative dead by side and cause: median over seeds and a 5-95 % band."""
    sides = _sides(timeseries)
    colours = colours or dict(zip(sides, SIDE_COLOURS))
    frame = timeseries.copy()
    frame["date"] = pd.to_datetime(frame["date"])
    for side in sides:
        if f"{side}_hypothermia_dead" not in frame:
            frame[f"{side}_hypothermia_dead"] = 0
        frame[f"{side}_killed"] = (frame[f"{side}_dead"] - frame[f"{side}_cold_dead"]
                                   - frame[f"{side}_hypothermia_dead"]
                                   - frame[f"{side}_avalanche_dead"])
    injured = all(f"{sides[0]}_{c}" in frame for c in INJURIES)
    fig = Figure(figsize=(6 * len(sides), 7.8 if injured else 4.2), layout="constrained")
    grid = np.atleast_2d(fig.subplots(2 if injured else 1, len(sides), sharey="row",
                                      squeeze=False))
    axes = grid[0]
    runs = frame["key"].nunique() if "key" in frame else 1
    if injured:  # beside the dead: the men lost alive, wounded, cold-injured or missing
        for ax, side in zip(grid[1], sides):
            _median_lines(ax, frame, side, INJURIES, colours[side], band, runs)
            ax.set_title(f"{side}: lost alive, by cause")
        grid[1][0].set_ylabel("men (cumulative)")
    for ax, side in zip(axes, sides):
        _median_lines(ax, frame, side, CAUSES, colours[side], band, runs)
        ax.set_title(f"{side}: dead by cause")
        ax.legend(loc="upper left", fontsize=8, title=f"median, {band[0]:.0%}-{band[1]:.0%} "
                  f"band over {runs} runs" if runs > 1 else None, title_fontsize=7)
    axes[0].set_ylabel("men (cumulative)")
    if title:
        fig.suptitle(title)
    return fig


def _median_lines(ax, frame, side, causes, colour, band, runs) -> None:
    """Median over runs of each cause's series, with its band when there are several runs."""
    for cause, (label, style) in causes.items():
        by_date = frame.groupby("date")[f"{side}_{cause}"]
        median = by_date.median()
        ax.plot(median.index, median.to_numpy(), ls=style, color=colour, lw=1.8, label=label)
        if runs > 1:
            ax.fill_between(median.index, by_date.quantile(band[0]).to_numpy(),
                            by_date.quantile(band[1]).to_numpy(), color=colour, alpha=0.15,
                            lw=0)
    date_axis(ax)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)


def outcome_distributions(summary: pd.DataFrame, record) -> Figure:
    """Each casualty figure of the record: the runs' distribution against the sourced range.

    The shaded span is the range a run's median should fall in; the dashed lines are the
    record's own figures. The encirclement count of the record gets a panel too.
    """
    ok = summary[summary["status"] == "ok"]
    panels = list(record.casualties.values())
    counts = [m for m in record.milestones.values() if m.range is not None]
    n = len(panels) + len(counts)
    fig = Figure(figsize=(4.2 * n, 3.6), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, n))
    for ax, target in zip(axes, panels):
        values = casualty_values(ok, target).to_numpy()
        low = min(values.min(), target.range[0], *target.record)
        high = max(values.max(), target.range[1], *target.record)
        ax.hist(values, bins=np.linspace(0 if low >= 0 else low, high * 1.05, 30),
                color="#555555", edgecolor="white")
        ax.axvspan(*target.range, color=RECORD_SHADE, alpha=0.3, label="target range")
        for figure in sorted(set(target.record)):
            ax.axvline(figure, color="black", ls="--", lw=1)
        ax.axvline(np.median(values), color="#1f5fbf", lw=2, label="median of runs")
        ax.set_title(target.label, fontsize=10)
        ax.set_xlabel("share" if target.measure == "cold_share" else "men")
        ax.legend(fontsize=7)
    for ax, milestone in zip(axes[len(panels):], counts):
        column = (f"{milestone.side}_encircled_at_end" if milestone.type == "encircled_at_end"
                  else f"{milestone.side}_encircled_units")
        values = pd.to_numeric(ok[column]).to_numpy()
        bins = np.arange(values.max() + 2) - 0.5
        ax.hist(values, bins=bins, color="#555555", edgecolor="white")
        ax.axvspan(milestone.range[0] - 0.5, milestone.range[1] + 0.5, color=RECORD_SHADE,
                   alpha=0.3, label="record")
        ax.set_title(milestone.label + ("" if milestone.scored else " (reported)"), fontsize=10)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("battalions")
        ax.legend(fontsize=7)
    axes[0].set_ylabel("runs")
    return fig


def milestone_dates(summary: pd.DataFrame, record, seed: int = 0) -> Figure:
    """Each dated milestone: the runs' dates (jittered dots) against the record's window."""
    ok = summary[summary["status"] == "ok"]
    dated = [(name, m) for name, m in record.milestones.items() if m.window is not None]
    fig = Figure(figsize=(9, 0.7 * len(dated) + 1.5), layout="constrained")
    ax = fig.subplots()
    jitter = np.random.default_rng(seed)
    for row, (name, milestone) in enumerate(reversed(dated)):
        ax.barh(row, (milestone.window[1] - milestone.window[0]).days + 1,
                left=pd.Timestamp(milestone.window[0]), height=0.7, color=RECORD_SHADE,
                alpha=0.45)
        dates = pd.to_datetime(ok[f"milestone_{name}"].replace("", None), errors="coerce")
        hit = dates.dropna()
        ax.plot(hit, row + jitter.uniform(-0.25, 0.25, len(hit)), "o", ms=4.5,
                color="#1f5fbf", mec="white", mew=0.4, alpha=0.8)
        never = 1 - len(hit) / max(len(ok), 1)
        in_window = ((hit.dt.date >= milestone.window[0])
                     & (hit.dt.date <= milestone.window[1])).sum() / max(len(ok), 1)
        ax.annotate(f"{in_window:.0%} in window, {never:.0%} never", (1.0, row),
                    xycoords=("axes fraction", "data"), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(dated)), [m.label for _, m in reversed(dated)], fontsize=8)
    date_axis(ax)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(f"Milestones of {len(ok)} runs (dots) against the record's windows (shaded)")
    return fig


def milestone_outcomes(summary: pd.DataFrame, record, shifts: dict[str, int] | None = None,
                       by: str = "scenario") -> Figure:
    """The share of runs with each milestone in the record's window, for each value of ``by``.

    A variant launched ``shifts[name]`` days off the historical start is scored against the
    record's windows moved by the same days (as ``run_sim.py compare`` does), and says so.
    """
    ok = summary[summary["status"] == "ok"]
    groups = list(dict.fromkeys(ok[by]))
    shifts = shifts or {}
    rates = {}
    for group in groups:
        frame, measures = run_measures(ok[ok[by] == group], record, [], None,
                                       shifts.get(group, 0))
        rates[group] = {m.label.removesuffix(": in window"): frame[m.label].mean()
                        for m in measures if m.rate}
    table = pd.DataFrame(rates).T  # groups down, milestones across
    fig = Figure(figsize=(1.25 * len(table.columns) + 3.5, 0.45 * len(groups) + 2.2),
                 layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(table.to_numpy(dtype=float), cmap="RdYlGn", vmin=0, vmax=1,
                      aspect="auto")
    ax.set_xticks(range(len(table.columns)), [_wrap(c) for c in table.columns], fontsize=8)
    rows = [_label(g) + (f" (record moved {shifts[g]:+d} d)" if shifts.get(g) else "")
            for g in table.index]
    ax.set_yticks(range(len(rows)), rows, fontsize=8)
    for (i, j), value in np.ndenumerate(table.to_numpy(dtype=float)):
        if not np.isnan(value):
            ax.text(j, i, f"{value:.0%}", ha="center", va="center", fontsize=8)
    fig.colorbar(image, ax=ax, label="share of runs in the record's window", shrink=0.8)
    ax.set_title(f"Milestones in their window, {len(ok) // max(len(groups), 1)} runs each",
                 fontsize=10)
    return fig


def _wrap(text: str, width: int = 16) -> str:
    """A long label over lines of about ``width`` characters."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join(lines + [line])


def sweep_heatmap(summary: pd.DataFrame, x: str, y: str, outcome: str,
                  statistic: str = "median", fmt: str = "{:,.0f}") -> Figure:
    """A two-way sweep: ``statistic`` of ``outcome`` over the seeds of each (x, y) cell."""
    ok = summary[summary["status"] == "ok"].copy()
    ok[outcome] = pd.to_numeric(ok[outcome], errors="coerce")
    table = ok.pivot_table(index=y, columns=x, values=outcome, aggfunc=statistic)
    fig = Figure(figsize=(1.3 * len(table.columns) + 3, 0.6 * len(table.index) + 2),
                 layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(table.to_numpy(dtype=float), cmap="cividis", aspect="auto",
                      origin="lower")
    ax.set_xticks(range(len(table.columns)), [_label(v) for v in table.columns])
    ax.set_yticks(range(len(table.index)), [_label(v) for v in table.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    middle = np.nanmean(table.to_numpy(dtype=float))
    for (i, j), value in np.ndenumerate(table.to_numpy(dtype=float)):
        if not np.isnan(value):
            ax.text(j, i, fmt.format(value), ha="center", va="center", fontsize=9,
                    color="white" if value < middle else "black")
    fig.colorbar(image, ax=ax, label=f"{outcome}\n({statistic} over seeds)")
    return fig


def readable(column: str) -> str:
    """A summary column as a title ('azerbaijan_cold_dead' -> 'azerbaijan: cold dead')."""
    units = {"_km": " (km)", "_t_per_day": " (t/day)"}
    for suffix, unit in units.items():
        if column.endswith(suffix):
            return readable(column.removesuffix(suffix)) + unit
    side, _, rest = column.partition("_")
    if rest and side.isalpha() and side not in ("closest", "milestone"):
        return f"{side}: {rest.replace('_', ' ')}"
    return column.replace("milestone_", "").replace("_", " ")


def _label(value) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def compare_outcomes(summary: pd.DataFrame, outcomes: list[str], by: str = "scenario",
                     record=None) -> Figure:
    """Box plots of outcomes side by side for each value of ``by`` (say, each what-if)."""
    ok = summary[summary["status"] == "ok"]
    groups = list(dict.fromkeys(ok[by]))
    fig = Figure(figsize=(4.0 * len(outcomes), 0.45 * len(groups) + 2), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(outcomes), sharey=True))
    targets = {f"{t.side}_{t.measure}": t for t in (record.casualties.values()
                                                     if record else [])}
    for ax, outcome in zip(axes, outcomes):
        data = [pd.to_numeric(ok.loc[ok[by] == g, outcome], errors="coerce").dropna()
                for g in groups]
        ax.boxplot(data, orientation="horizontal", widths=0.6, showfliers=True,
                   medianprops=dict(color="#c8102e", lw=2),
                   flierprops=dict(marker=".", ms=3))
        values = pd.concat(data) if data else pd.Series(dtype=float)
        if len(values):
            low, high = float(values.min()), float(values.max())
            pad = 0.06 * (high - low) or 1.0
            ax.set_xlim(low - pad, high + pad)  # the runs fill the panel; a range beyond is cut
        if outcome in targets:
            ax.axvspan(*targets[outcome].range, color=RECORD_SHADE, alpha=0.3,
                       label="historical range")
            ax.legend(fontsize=7, loc="lower right")
        ax.set_title(readable(outcome), fontsize=10)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(range(1, len(groups) + 1), [_label(g) for g in groups], fontsize=8)
    axes[0].invert_yaxis()  # the first group (the historical scenario) on top
    return fig


def sensitivity_bars(table: pd.DataFrame) -> Figure:
    """Morris mu* (with its confidence) or Sobol first and total order indices, as bars."""
    outcomes = list(dict.fromkeys(table["outcome"]))
    fig = Figure(figsize=(4.0 * len(outcomes), 0.4 * table["parameter"].nunique() + 1.8),
                 layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(outcomes), sharey=True))
    parameters = list(dict.fromkeys(table["parameter"]))
    rows = np.arange(len(parameters))
    for ax, outcome in zip(axes, outcomes):
        part = table[table["outcome"] == outcome].set_index("parameter").reindex(parameters)
        if "mu_star" in part:
            scale = part["mu_star"].max() or 1.0
            ax.barh(rows, part["mu_star"] / scale,
                    xerr=_within_zero(part["mu_star"], part["mu_star_conf"]) / scale,
                    color="#555555", capsize=2)
            ax.barh(rows, part["sigma"] / scale, height=0.25, color="#f2b134",
                    label="sigma (interactions)")
            ax.set_xlabel("mu* (scaled to the largest)")
        else:
            ax.barh(rows - 0.2, part["S1"], height=0.4,
                    xerr=_within_zero(part["S1"], part["S1_conf"]), color="#555555",
                    label="first order S1", capsize=2)
            ax.barh(rows + 0.2, part["ST"], height=0.4,
                    xerr=_within_zero(part["ST"], part["ST_conf"]), color="#f2b134",
                    label="total ST", capsize=2)
            ax.set_xlabel("index")
        ax.set_title(outcome, fontsize=10)
        ax.legend(fontsize=7)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(rows, [p.rsplit(".", 2)[-1] if len(p) > 30 else p for p in parameters],
                       fontsize=8)
    axes[0].invert_yaxis()
    return fig


def _within_zero(value: pd.Series, conf: pd.Series) -> np.ndarray:
    """Error bars (lower, upper) of an index that cannot be negative: the lower one stops at 0."""
    value, conf = value.to_numpy(dtype=float), conf.to_numpy(dtype=float)
    return np.vstack([np.minimum(conf, np.maximum(value, 0.0)), conf])

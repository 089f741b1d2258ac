"""Plots: the injured beside the dead, dates with years, bars that stay above zero."""

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg

from sim.output import model_timeseries
from sim.plots import losses_over_time, sensitivity_bars


def tick_labels(ax):
    FigureCanvasAgg(ax.get_figure(root=True)).draw()
    return [t.get_text() for t in ax.get_xticklabels() if t.get_text()]


def test_losses_show_the_injured_beside_the_dead_with_years_on_the_dates(replay):
    fig = losses_over_time(model_timeseries(replay))
    titles = [ax.get_title() for ax in fig.axes]
    assert "azerbaijan: dead by cause" in titles and "azerbaijan: lost alive, by cause" in titles
    injured = next(ax for ax in fig.axes if ax.get_title() == "azerbaijan: lost alive, by cause")
    assert [t.get_text() for t in injured.get_legend().get_texts()] == [
        "wounded (alive)", "cold-injured (alive)", "missing or captured"]
    labels = tick_labels(fig.axes[0])
    assert labels and all(("1993" in t) or ("1994" in t) for t in labels)


def test_sensitivity_error_bars_never_cross_zero():
    table = pd.DataFrame({"outcome": ["dead", "dead"], "parameter": ["a", "b"],
                          "mu_star": [10.0, 1.0], "mu_star_conf": [2.0, 5.0],
                          "mu": [10.0, 1.0], "sigma": [1.0, 1.0]})
    fig = sensitivity_bars(table)
    ax = fig.axes[0]
    FigureCanvasAgg(fig).draw()
    lines = [c for c in ax.collections if c.__class__.__name__ == "LineCollection"]
    lowest = min(seg[:, 0].min() for c in lines for seg in c.get_segments())
    assert lowest >= 0.0 and np.isfinite(lowest)


def test_what_if_panels_have_readable_titles_and_fill_with_their_runs():
    from sim.plots import compare_outcomes

    summary = pd.DataFrame({"status": ["ok"] * 4, "scenario": ["a", "a", "b", "b"],
                            "azerbaijan_dead": [900, 1100, 700, 800]})

    class Target:
        side, measure, range = "azerbaijan", "dead", (1500.0, 4500.0)

    class Record:
        casualties = {"dead": Target()}

    fig = compare_outcomes(summary, ["azerbaijan_dead"], record=Record())
    ax = fig.axes[0]
    assert ax.get_title() == "azerbaijan: dead"
    low, high = ax.get_xlim()
    assert low < 700 and 1100 < high < 1500  # not squashed by the record's 1,500-4,500


def test_milestone_outcomes_score_a_shifted_variant_against_the_record_moved_with_it():
    from sim.plots import milestone_outcomes
    from sim.scenario import load_scenario
    from sim.scoring import load_record

    record = load_record(load_scenario("scenarios/kalbajar_1993_94.toml").record)
    murov = record.milestones["murov_crossed"]
    inside = murov.window[0].isoformat()
    moved = (murov.window[0] - pd.Timedelta(days=91)).isoformat()
    summary = pd.DataFrame({"status": ["ok"] * 4, "seed": [0, 1, 0, 1],
                            "scenario": ["historical", "historical", "autumn", "autumn"],
                            "milestone_murov_crossed": [inside, "", moved, moved]})
    fig = milestone_outcomes(summary, record, {"autumn": -91})
    ax = fig.axes[0]
    cells = {t.get_text() for t in ax.texts}
    assert cells == {"50%", "100%"}  # the moved date is in the moved window, not the record's
    rows = [t.get_text() for t in ax.get_yticklabels()]
    assert rows == ["historical", "autumn (record moved -91 d)"]
    # against the record as it is, the same dates would all be outside it
    fig = milestone_outcomes(summary, record)
    assert {t.get_text() for t in fig.axes[0].texts} == {"50%", "0%"}

"""Experimental designs over scenario values, and global sensitivity of the outcomes.

A design is a list of points; each point is a set of ``key.path=value`` overrides on the
scenario. Full-factorial sweeps list values; Latin hypercube samples come from scipy's
``qmc``; Morris screening and Sobol indices use SALib (an optional extra), whose samplers
give the points and whose analysers take one outcome per point (Herman & Usher 2017). A
stochastic model's outcome is averaged over the seeds of a point before the analysis, since
seed noise otherwise inflates the total-order indices (``experiment_tooling.md`` §2).
"""

from __future__ import annotations

import datetime as dt
import itertools
import tomllib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .scenario import ScenarioError

DESIGNS = ("grid", "lhs", "morris", "sobol")


@dataclass(frozen=True)
class Range:
    """A scenario value varied between two bounds: numbers, whole numbers or dates."""

    key: str
    low: float
    high: float
    kind: str  # "float", "int" or "date"

    def value(self, x: float) -> Any:
        """The scenario value at ``x`` in [low, high]."""
        if self.kind == "int":
            return int(round(x))
        if self.kind == "date":
            return dt.date.fromordinal(int(round(x)))
        return float(x)


def parse_sweep(item: str) -> tuple[str, list[Any]]:
    """``key.path=v1,v2,...`` -> the key and its values (TOML-typed, strings need no quotes)."""
    key, sep, text = item.partition("=")
    values = [v.strip() for v in text.split(",") if v.strip()]
    if not sep or not key.strip() or not values:
        raise ScenarioError(f"--sweep {item!r}: expected key.path=value1,value2,...")
    return key.strip(), [_typed(v) for v in values]


def parse_range(item: str) -> Range:
    """``key.path=low:high`` -> a Range; whole numbers and ISO dates keep their kind."""
    key, sep, text = item.partition("=")
    low_text, colon, high_text = text.partition(":")
    if not sep or not key.strip() or not colon:
        raise ScenarioError(f"--range {item!r}: expected key.path=low:high")
    low, high = _typed(low_text.strip()), _typed(high_text.strip())
    if isinstance(low, dt.date) and isinstance(high, dt.date):
        kind, low, high = "date", low.toordinal(), high.toordinal()
    elif isinstance(low, int) and isinstance(high, int) and not isinstance(low, bool):
        kind = "int"
    elif isinstance(low, int | float) and isinstance(high, int | float):
        kind = "float"
    else:
        raise ScenarioError(f"--range {item!r}: expected two numbers or two dates, "
                            f"got {low_text!r} and {high_text!r}")
    if not low < high:
        raise ScenarioError(f"--range {item!r}: expected low < high")
    return Range(key.strip(), float(low), float(high), kind)


def _typed(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def as_override(key: str, value: Any) -> str:
    """A ``key.path=value`` override whose value reads back as the same TOML type."""
    if isinstance(value, bool):
        return f"{key}={'true' if value else 'false'}"
    if isinstance(value, float):
        return f"{key}={value!r}"
    return f"{key}={value}"


def factorial(sweeps: list[tuple[str, list[Any]]]) -> list[dict[str, Any]]:
    """Every combination of the swept values (one empty point when nothing is swept)."""
    keys = [key for key, _ in sweeps]
    return [dict(zip(keys, combo)) for combo in itertools.product(*(v for _, v in sweeps))]


def sample(design: str, ranges: list[Range], samples: int, seed: int
           ) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """Sample the ranges: the unit-free matrix (for the analysis) and the scenario values.

    ``samples`` is the number of points for ``lhs``, the number of trajectories for
    ``morris`` (giving r(D+1) points) and the base sample N for ``sobol`` (N(D+2) points,
    first and total order; N a power of two, as SALib's Sobol sequence needs).
    """
    if not ranges:
        raise ScenarioError(f"--design {design}: give the ranges to sample with --range "
                            "key.path=low:high")
    if samples < 1:
        raise ScenarioError(f"--samples {samples}: expected a positive number")
    bounds = np.array([[r.low, r.high] for r in ranges])
    if design == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=len(ranges), seed=seed).random(samples)
        matrix = qmc.scale(unit, bounds[:, 0], bounds[:, 1])
    elif design == "morris":
        from SALib.sample import morris

        matrix = morris.sample(_problem(ranges), N=samples, num_levels=4, seed=seed)
    elif design == "sobol":
        from SALib.sample import sobol

        if samples & (samples - 1):
            raise ScenarioError(f"--samples {samples}: a Sobol design needs a power of two")
        matrix = sobol.sample(_problem(ranges), samples, calc_second_order=False, seed=seed)
    else:
        raise ScenarioError(f"--design {design!r}: expected one of {', '.join(DESIGNS)}")
    points = [{r.key: r.value(x) for r, x in zip(ranges, row)} for row in matrix]
    return matrix, points


def _problem(ranges: list[Range]) -> dict:
    return {"num_vars": len(ranges), "names": [r.key for r in ranges],
            "bounds": [[r.low, r.high] for r in ranges]}


def sensitivity(design: str, ranges: list[Range], matrix: np.ndarray, summary: pd.DataFrame,
                outcomes: list[str], seed: int = 0) -> pd.DataFrame:
    """Morris elementary effects or Sobol indices of each outcome to each range.

    ``summary`` has one row per run with a ``point`` column; outcomes are averaged over the
    seeds of each point. Every point needs at least one finished run.
    """
    from SALib.analyze import morris, sobol

    problem = _problem(ranges)
    ok = summary[summary["status"] == "ok"]
    rows = []
    for outcome in outcomes:
        values = pd.to_numeric(ok[outcome], errors="coerce")
        means = values.groupby(ok["point"]).mean().reindex(range(len(matrix)))
        if means.isna().any():
            missing = int(means.isna().sum())
            raise ScenarioError(f"sensitivity of {outcome}: {missing} design points have no "
                                "finished run with a value; re-run the batch to complete it")
        y = means.to_numpy(dtype=float)
        if design == "morris":
            result = morris.analyze(problem, matrix, y, num_levels=4, seed=seed)
            for i, name in enumerate(problem["names"]):
                rows.append({"outcome": outcome, "parameter": name,
                             "mu_star": result["mu_star"][i],
                             "mu_star_conf": result["mu_star_conf"][i],
                             "mu": result["mu"][i], "sigma": result["sigma"][i]})
        elif design == "sobol":
            result = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
            for i, name in enumerate(problem["names"]):
                rows.append({"outcome": outcome, "parameter": name,
                             "S1": result["S1"][i], "S1_conf": result["S1_conf"][i],
                             "ST": result["ST"][i], "ST_conf": result["ST_conf"][i]})
        else:
            raise ScenarioError(f"sensitivity needs a morris or sobol design, not {design!r}")
    return pd.DataFrame(rows)


def format_sensitivity(table: pd.DataFrame) -> str:
    """The sensitivity table as text, parameters ranked by influence within each outcome."""
    rank = "mu_star" if "mu_star" in table else "ST"
    lines = []
    for outcome, group in table.groupby("outcome", sort=False):
        lines.append(f"{outcome}")
        for _, row in group.sort_values(rank, ascending=False).iterrows():
            if rank == "mu_star":
                lines.append(f"  {row['parameter']:<58} mu*={row['mu_star']:>10.3g} "
                             f"±{row['mu_star_conf']:<9.2g} sigma={row['sigma']:.3g}")
            else:
                lines.append(f"  {row['parameter']:<58} S1={row['S1']:>6.2f} "
                             f"±{row['S1_conf']:.2f}  ST={row['ST']:>6.2f} "
                             f"±{row['ST_conf']:.2f}")
    return "\n".join(lines)

"""Calibration within sourced ranges: which parameter values bring a scenario nearest its record.

History matching as ``combat_science.md`` §4.2 recommends it: calibrate a few free parameters,
each only inside the range its sources allow, and hold other targets out to test the result.

* The ranges live in a data file (``scenarios/calibration_ranges.toml``): for each scenario key,
  ``low``, ``high`` and the ``source`` of the bounds.
* A Latin hypercube of design points over those ranges is run as a batch (every point on the
  same seeds, stored as it finishes, resumable), and each point is scored against the record
  by :func:`sim.scoring.score_batch`.
* Each target of the record gets a *miss*: for a milestone, how far its hit rate falls short
  of the target rate; for a casualty figure, how far the median lies outside its range, as a
  share of the nearer bound. Points are ranked by the number of fitted targets they meet, then
  by the sum of their misses. Targets not fitted are *held out*: reported, never ranked on.

The record is read only here and in scoring, after the runs: calibration chooses parameter
values, it never enters the model.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .combat import attacker_daily_rate, defender_daily_rate
from .morale import draw_breakpoint
from .parameters import CombatParameters, MoraleParameters
from .scenario import ScenarioError
from .scoring import Record, score_batch


@dataclass(frozen=True)
class CalibrationRange:
    """A scenario value that may be calibrated, its bounds and where the bounds come from."""

    key: str
    low: float
    high: float
    source: str

    def as_range_option(self) -> str:
        """The bounds as a ``--range key.path=low:high`` item of a batch."""
        if isinstance(self.low, int) and isinstance(self.high, int):
            return f"{self.key}={self.low}:{self.high}"
        return f"{self.key}={float(self.low)!r}:{float(self.high)!r}"


def load_ranges(path: str | Path) -> list[CalibrationRange]:
    """Read a ranges file; a bad entry stops with the file, the key and what was expected."""
    path = Path(path)
    if not path.is_file():
        raise ScenarioError(f"{path}: calibration ranges file not found")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    table = raw.get("ranges")
    if not isinstance(table, dict) or not table:
        raise ScenarioError(f"{path}: expected a [ranges] table with one entry per scenario key")
    ranges = []
    for key, entry in table.items():
        where = f"{path}: ranges.{key!r}"
        if not isinstance(entry, dict):
            raise ScenarioError(f"{where}: expected a table with low, high and source")
        unknown = set(entry) - {"low", "high", "source"}
        if unknown:
            raise ScenarioError(f"{where}: unknown keys {sorted(unknown)}; expected low, high, "
                                "source")
        low, high, source = entry.get("low"), entry.get("high"), entry.get("source")
        for name, value in (("low", low), ("high", high)):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ScenarioError(f"{where}.{name}: expected a number, got {value!r}")
        if not low < high:
            raise ScenarioError(f"{where}: expected low < high, got {low!r} and {high!r}")
        if not isinstance(source, str) or not source.strip():
            raise ScenarioError(f"{where}.source: expected the source of the bounds (text)")
        ranges.append(CalibrationRange(key, low, high, source.strip()))
    return ranges


def target_names(record: Record) -> list[str]:
    """The record's targets, milestones first, as ``score_batch`` lists them."""
    return [*record.milestones, *record.casualties]


def check_fitted(record: Record, fit: list[str]) -> list[str]:
    """The targets to fit: the record's scored ones by default; unknown names are an error."""
    names = target_names(record)
    unknown = [name for name in fit if name not in names]
    if unknown:
        raise ScenarioError(f"--fit {', '.join(unknown)}: not a target of the record "
                            f"{record.name!r}; expected one of {', '.join(names)}")
    targets = {**record.milestones, **record.casualties}
    return list(fit) or [name for name in names if targets[name].scored]


def misses(score: pd.DataFrame, record: Record, target: float) -> dict[str, float]:
    """How far each target of one design point is from being met (0 when met).

    A milestone misses by its shortfall in hit rate below ``target``; a casualty median by its
    distance outside the range, as a share of the nearer bound.
    """
    result = {}
    for name, (_, row) in zip(target_names(record), score.iterrows()):
        if name in record.milestones:
            result[name] = max(0.0, target - float(row["score"]))
            continue
        low, high = record.casualties[name].range
        median = float(row["median"])
        if median < low:
            result[name] = (low - median) / low if low else 1.0
        elif median > high:
            result[name] = (median - high) / high if high else 1.0
        else:
            result[name] = 0.0
    return result


def rank_points(summary: pd.DataFrame, design: pd.DataFrame, record: Record,
                fit: list[str], target: float = 0.6) -> pd.DataFrame:
    """Score and rank the design points of a calibration batch.

    ``summary`` has one row per run with its ``point``; ``design`` one row per point with its
    values. Returns one row per point with the values, each target's score (hit rate or
    median), whether it is met, its miss, the number of fitted targets met and the fitted
    misses summed (``loss``), best first.
    """
    fitted = check_fitted(record, fit)
    ok = summary[summary["status"] == "ok"] if "status" in summary else summary
    rows = []
    for point, runs in ok.groupby("point"):
        score = score_batch(runs, record, target)
        miss = misses(score, record, target)
        row = {"point": int(point), "runs": len(runs)}
        for name, (_, line) in zip(target_names(record), score.iterrows()):
            row[name] = float(line["score"])
            row[f"{name}_met"] = bool(line["ok"])
            row[f"{name}_miss"] = miss[name]
        row["fitted_met"] = sum(row[f"{name}_met"] for name in fitted)
        row["loss"] = float(sum(miss[name] for name in fitted))
        rows.append(row)
    if not rows:
        raise ScenarioError("calibration: no finished run to score")
    table = pd.DataFrame(rows).merge(design, on="point", how="left")
    return table.sort_values(["fitted_met", "loss", "point"], ascending=[False, True, True],
                             ignore_index=True)


def reach(table: pd.DataFrame, record: Record) -> pd.DataFrame:
    """For each target, the best any design point reached and the point that reached it."""
    rows = []
    for name in target_names(record):
        best = table.loc[table[f"{name}_miss"].idxmin()]
        label = (record.milestones[name].label if name in record.milestones
                 else record.casualties[name].label)
        rows.append({"target": name, "label": label, "best": float(best[name]),
                     "point": int(best["point"]), "met_by": int(table[f"{name}_met"].sum()),
                     "points": len(table)})
    return pd.DataFrame(rows)


def format_report(table: pd.DataFrame, reached: pd.DataFrame, ranges: list[CalibrationRange],
                  record: Record, fit: list[str], top: int = 5) -> str:
    """The best points with their values and scores, and how near each target came."""
    fitted = check_fitted(record, fit)
    held_out = [n for n in target_names(record) if n not in fitted]

    def show(name, value):
        if name in record.milestones:
            return f"{value:.0%}"
        if record.casualties[name].measure == "cold_share":
            return f"{value:.0%}"
        return f"{value:,.0f}"

    lines = [f"fitted: {', '.join(fitted)}"]
    if held_out:
        lines.append(f"held out: {', '.join(held_out)}")
    lines.append("")
    lines.append(f"{'target':<44}{'best reached':>13}  {'points meeting it':<18}")
    for _, row in reached.iterrows():
        mark = "" if row["target"] in fitted else "  (held out)"
        lines.append(f"{row['label']:<44}{show(row['target'], row['best']):>13}  "
                     f"{row['met_by']} of {row['points']}{mark}")
    lines.append("")
    lines.append(f"best {min(top, len(table))} points (met = fitted targets met):")
    for _, row in table.head(top).iterrows():
        values = ", ".join(f"{r.key.split('.')[-1]}={_short(row[r.key])}" for r in ranges)
        lines.append(f"  point {int(row['point'])}: met {int(row['fitted_met'])} of "
                     f"{len(fitted)}, loss {row['loss']:.3f}; {values}")
        scores = "; ".join(f"{name} {show(name, row[name])}"
                           + ("" if row[f"{name}_met"] else " MISS")
                           for name in target_names(record))
        lines.append(f"    {scores}")
    return "\n".join(lines)


def _short(value) -> str:
    if isinstance(value, float | np.floating):
        return f"{value:.3g}"
    return str(value)


def duel_losses(rng, morale: MoraleParameters, combat: CombatParameters, duels: int = 40000,
                defenders: int = 500, odds: tuple[float, float] = (0.5, 8.0),
                terrain: str = "RUGGED_MIXED"):
    """Loss shares of the losing and the winning side in one-on-one attacks.

    An attacking battalion of ``defenders`` x odds men (odds log-uniform over ``odds``, median
    2: on average the attacker is twice the defender, Dupuy's verity 1, combat_science.md §2.3)
    attacks a battalion in prepared defence on ``terrain`` in dry cold. Each side's losses grow
    at its QJM daily rate (:mod:`sim.combat`); the first to reach its breakpoint quits.

    Returns (losers' loss shares, winners' loss shares, whether the attacker won), per duel.
    """
    attackers = defenders * np.exp(rng.uniform(np.log(odds[0]), np.log(odds[1]), duels))
    power_ratio = attackers * combat.weather_attack_fair / (
        defenders * combat.posture_strength["prepared"] * combat.terrain_defence[terrain])
    engaged = attackers + defenders
    terrain_c, weather_c = combat.terrain_casualty[terrain], combat.weather_casualty_fair
    attacker_rate = attacker_daily_rate(engaged, power_ratio, terrain_c, weather_c, combat)
    defender_rate = defender_daily_rate(engaged, 1.0 / power_ratio, terrain_c, weather_c,
                                        combat.posture_defender_casualty["prepared"], 1.0, combat)
    attacker_days = draw_breakpoint(rng, morale, duels) / attacker_rate
    defender_days = draw_breakpoint(rng, morale, duels) / defender_rate
    attacker_won = defender_days < attacker_days
    days = np.minimum(attacker_days, defender_days)
    losers = np.where(attacker_won, defender_rate, attacker_rate) * days
    winners = np.where(attacker_won, attacker_rate, defender_rate) * days
    return losers, winners, attacker_won

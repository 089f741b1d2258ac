"""Avalanche hazard per cell from slope, new snow and warming (``combat_science.md`` §3.5).

* Slope: 96 % of releases on 30-50 deg slopes, about 80 % of slab avalanches on 30-45 deg,
  38 deg the most common; dry slabs rarely release below 30 deg.
* New snow: serious avalanches are always possible with 30 cm or more of new snow; dry-snow
  avalanches come during or within days of a snowfall, wet-snow ones in thaw or rain.

The suggested model of §3.5, ``P(release) = f(slope) x g(new snow) x h(warming)``, is applied to
the share of each grid cell that lies in avalanche terrain. A 1 km cell's mean slope hides its
steep faces, so local slopes are taken as normally distributed around a multiple of the cell
slope (:class:`sim.parameters.AvalancheParameters`).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from .parameters import AvalancheParameters


def slope_release_factor(slope_deg, p: AvalancheParameters):
    """Relative release likelihood of a slope: 0 outside 30-50 deg, 1 at 38 deg."""
    return np.interp(
        np.asarray(slope_deg, dtype=float),
        [p.release_min_slope_deg, p.release_peak_slope_deg, p.release_max_slope_deg],
        [0.0, 1.0, 0.0],
        left=0.0,
        right=0.0,
    )


def avalanche_terrain_share(cell_slope_deg, p: AvalancheParameters, samples: int = 41):
    """Expected slope factor over the local slopes of a cell with a given mean slope."""
    cell = np.asarray(cell_slope_deg, dtype=float)
    local = np.linspace(0.0, 70.0, samples)
    weights = norm.pdf(local[None, :], loc=p.subgrid_slope_ratio * cell.reshape(-1, 1),
                       scale=p.subgrid_slope_sd_deg)
    weights /= weights.sum(axis=1, keepdims=True)
    share = (weights * slope_release_factor(local, p)[None, :]).sum(axis=1)
    return share.reshape(cell.shape)


def fresh_snow_factor(fresh_snow_m, p: AvalancheParameters):
    """0 below the minimum new snow, rising to 1 at 30 cm; more new snow, more danger."""
    fresh = np.asarray(fresh_snow_m, dtype=float)
    span = p.serious_fresh_snow_m - p.min_fresh_snow_m
    return np.maximum((fresh - p.min_fresh_snow_m) / span, 0.0)


def release_probability(terrain_share, fresh_snow_m, temp_c, hours: float,
                        p: AvalancheParameters):
    """Chance that a cell releases an avalanche within ``hours``."""
    warming = np.where(np.asarray(temp_c) > 0.0, p.warming_factor, 1.0)
    daily = np.clip(p.release_per_day_at_peak * np.asarray(terrain_share)
                    * fresh_snow_factor(fresh_snow_m, p) * warming, 0.0, 1.0)
    return -np.expm1(np.log1p(-np.minimum(daily, 1 - 1e-12)) * hours / 24.0)


def strike_probability(cell_probabilities, owner, units: int):
    """Chance that at least one of each unit's cells releases (cells grouped by ``owner``)."""
    log_safe = np.log1p(-np.minimum(np.asarray(cell_probabilities, dtype=float), 1 - 1e-12))
    total = np.zeros(units)
    np.add.at(total, owner, log_safe)
    return -np.expm1(total)

"""Avalanche hazard against the slope and new-snow figures of combat_science.md §3.5."""

import numpy as np
import pytest

from sim.avalanche import (
    avalanche_terrain_share,
    fresh_snow_factor,
    release_probability,
    slope_release_factor,
    strike_probability,
)
from sim.parameters import AvalancheParameters

P = AvalancheParameters()


def test_release_band_is_30_to_50_degrees_with_its_peak_at_38():
    slopes = np.arange(0, 71)
    factor = slope_release_factor(slopes, P)
    assert np.all(factor[:31] == 0) and np.all(factor[50:] == 0)
    assert np.all(factor[31:50] > 0)
    assert slopes[np.argmax(factor)] == 38
    # About 80 % of slab avalanches on 30-45 degrees: most of the band's weight lies there.
    assert factor[30:46].sum() / factor.sum() > 0.75


def test_new_snow_threshold():
    assert fresh_snow_factor(0.05, P) == 0
    assert fresh_snow_factor(0.30, P) == pytest.approx(1.0)  # "always possible" at 30 cm
    assert fresh_snow_factor(0.6, P) > 1


def test_steeper_cells_hold_more_avalanche_terrain():
    share = avalanche_terrain_share(np.array([0.0, 5.0, 10.0, 15.0, 19.0]), P)
    assert share[0] < 0.01 and np.all(np.diff(share) > 0)


def test_release_needs_snow_and_steep_ground_and_warming_raises_it():
    assert release_probability(0.8, 0.0, -5.0, 24, P) == 0
    assert release_probability(0.0, 0.5, -5.0, 24, P) == 0
    cold = release_probability(0.8, 0.4, -5.0, 24, P)
    assert 0 < cold < release_probability(0.8, 0.4, 2.0, 24, P)
    assert release_probability(0.8, 0.4, -5.0, 6, P) < cold


def test_strike_probability_combines_the_cells_of_each_unit():
    chance = strike_probability([0.5, 0.5, 0.1], np.array([0, 0, 1]), 3)
    assert chance == pytest.approx([0.75, 0.1, 0.0])

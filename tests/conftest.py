"""Shared fixtures: the historical scenario, its world, and a finished replay."""

from pathlib import Path

import pytest

from sim.model import OperationModel
from sim.scenario import load_scenario
from sim.world import build_world

ROOT = Path(__file__).resolve().parent.parent
HISTORICAL = ROOT / "scenarios" / "kalbajar_1993_94.toml"
SHARED_DEM = ROOT.parent / "shared" / "data" / "dem" / "kalbajar_dem.npz"
POSTS = ROOT / "tests" / "data" / "winter_posts.toml"
SHARED_FACTS = ROOT.parent / "shared" / "reference" / "kalbajar_facts.toml"


@pytest.fixture(scope="session")
def scenario():
    return load_scenario(HISTORICAL)


@pytest.fixture(scope="session")
def marching():
    """The historical scenario with the Azerbaijani advance ordered on the first day."""
    return load_scenario(HISTORICAL, [f"sides.azerbaijan.plan.phases.0.start={START}"])


START = "1993-12-15"


@pytest.fixture(scope="session")
def world(scenario):
    return build_world(scenario)


@pytest.fixture(scope="session")
def replay(scenario):
    """The full historical scenario, seed 0, run to its end."""
    model = OperationModel(scenario, rng=0)
    model.run_for(scenario.steps)
    return model

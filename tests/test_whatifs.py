"""The causes are live: changing a decision or the winter changes the outcome."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest

from sim.model import OperationModel
from sim.output import summarise
from sim.runner import derive_seed
from sim.scenario import load_scenario

from .conftest import ROOT

WHATIF = ROOT / "scenarios" / "whatif"
# The batch seeds of base seed 0, as batch, validate and calibrate draw them: enough runs that
# the claims hold on the average, not on a few draws.
SEEDS = [derive_seed(0, replicate) for replicate in range(20)]


def _summary(task):
    path, seed = task
    scenario = load_scenario(path)
    model = OperationModel(scenario, rng=seed)
    model.run_for(scenario.steps)
    return summarise(model)


def summaries(path):
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=spawn) as pool:
        return list(pool.map(_summary, [(path, seed) for seed in SEEDS]))


@pytest.fixture(scope="module")
def base():
    return summaries(ROOT / "scenarios" / "kalbajar_1993_94.toml")


def omar_cut_in_february(runs):
    return sum(1 for s in runs if (s["milestones"]["omar_road_cut"]["date"] or "") >= "1994-02")


def encircled_runs(runs):
    return sum(1 for s in runs if s["sides"]["azerbaijan"]["encircled_units"] > 0)


def test_without_the_counteroffensive_the_omar_road_is_rarely_cut_in_february(base):
    without = summaries(WHATIF / "no_counteroffensive.toml")
    assert omar_cut_in_february(without) < omar_cut_in_february(base)
    assert omar_cut_in_february(without) <= len(SEEDS) // 3
    # and no Azerbaijani battalion is encircled in most runs, where the replay has some
    assert encircled_runs(without) <= len(SEEDS) // 3 < encircled_runs(base)


def test_full_winter_gear_cuts_azerbaijani_cold_losses(base):
    geared = summaries(WHATIF / "full_winter_gear.toml")
    def cold_losses(summary):
        side = summary["sides"]["azerbaijan"]
        return side["cold_injured"] + side["cold_dead"] + side["hypothermia_dead"]

    assert sum(map(cold_losses, geared)) < sum(map(cold_losses, base)) / 3
    frozen = sum(s["sides"]["azerbaijan"]["hypothermia_dead"] for s in base)
    frozen_geared = sum(s["sides"]["azerbaijan"]["hypothermia_dead"] for s in geared)
    assert frozen_geared <= frozen / 2


def test_an_autumn_start_costs_far_less_to_the_cold(base):
    autumn = summaries(WHATIF / "autumn_start.toml")
    cold = sum(s["sides"]["azerbaijan"]["cold_dead"] + s["sides"]["azerbaijan"]["hypothermia_dead"]
               for s in base)
    cold_autumn = sum(s["sides"]["azerbaijan"]["cold_dead"]
                      + s["sides"]["azerbaijan"]["hypothermia_dead"] for s in autumn)
    assert cold_autumn < cold / 2


@pytest.mark.parametrize("path", sorted(WHATIF.glob("*.toml")), ids=lambda p: p.stem)
def test_every_whatif_extends_the_base_and_changes_it(path):
    base = load_scenario(ROOT / "scenarios" / "kalbajar_1993_94.toml")
    variant = load_scenario(path)
    assert variant.name == path.stem and variant.description
    changed = {key for key in type(base).model_fields
               if key not in ("name", "description")
               and getattr(base, key) != getattr(variant, key)}
    assert changed, f"{path.name} changes nothing"

"""The scripts behind the figures of docs/validation.md run on a small batch and print them."""

import re
import runpy
import sys
from pathlib import Path

import pytest

from sim.cli import main

ANALYSES = Path(__file__).resolve().parent.parent / "docs" / "analyses"


@pytest.fixture(scope="module")
def validated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("validate")
    assert main(["validate", "--runs", "2", "--workers", "1", "--out", str(folder)]) in (0, 1)
    return folder


def run_script(name, args, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", [name, *map(str, args)])
    runpy.run_path(str(ANALYSES / name), run_name="__main__")
    return capsys.readouterr().out


def test_the_pockets_script_counts_every_run(validated, monkeypatch, capsys):
    out = run_script("pockets.py", [validated], monkeypatch, capsys)
    for measure in ("ever encircled", "left in pockets"):
        line = next(x for x in out.splitlines() if x.startswith(f"runs by battalions {measure}"))
        counts = re.search(r"none (\d+), 1-3 (\d+), 4 or more (\d+)", line).groups()
        assert sum(map(int, counts)) == 2  # each run counted once
    assert "battalions left in pockets, by how they ended" in out
    assert re.search(r"the rest were out: (median \d+ h over \d+|none)$", out, re.M)


def test_the_phases_add_up_to_each_runs_dead(validated, monkeypatch, capsys):
    from sim import load_batch

    phases = runpy.run_path(str(ANALYSES / "phase_split.py"))["phases"](str(validated))
    dead = load_batch(validated).summary.set_index("seed")["azerbaijan_dead"]
    assert len(phases) and (phases >= 0).all().all()
    assert (phases.sum(axis=1) == dead[phases.index]).all()
    assert "median dead by phase" in run_script("phase_split.py", [validated], monkeypatch, capsys)
    both = run_script("phase_split.py", [validated, validated], monkeypatch, capsys)
    assert f"{len(phases)} seeds in both" in both
    name, *medians = both.splitlines()[-1].split()
    assert name == "retreat" and [float(m) for m in medians] == [phases.median()["retreat"]] * 2


def test_the_omar_road_script_measures_a_run(monkeypatch, capsys):
    out = run_script("omar_road_cut.py", [1], monkeypatch, capsys)
    assert "of 1 runs with a cut after the reserves arrive" in out


def test_the_link_up_script_replays_the_runs_with_none_left(validated, monkeypatch, capsys):
    found = runpy.run_path(str(ANALYSES / "link_ups.py"))
    seeds = found["runs_with_none_left"](str(validated))
    out = run_script("link_ups.py", [validated, 1], monkeypatch, capsys)
    assert f"runs replayed: {min(len(seeds), 1)}" in out and "link-ups after the order" in out

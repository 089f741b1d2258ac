"""The notebooks run top to bottom (with SIM_QUICK=1) and stay paired with their .py text."""

import os
from pathlib import Path

import pytest

jupytext = pytest.importorskip("jupytext")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_every_notebook_is_there():
    assert [p.stem for p in NOTEBOOKS] == ["01_historical_replay", "02_scenario_batch",
                                           "03_what_if"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs_and_matches_its_text(path):
    notebook = jupytext.read(path)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None
    text = jupytext.read(path.with_suffix(".py"))
    assert [c.source for c in notebook.cells] == [c.source for c in text.cells]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom_in_quick_mode(path, monkeypatch):
    monkeypatch.setenv("SIM_QUICK", "1")
    notebook = jupytext.read(path)
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute(env={**os.environ})
    errors = [o for c in notebook.cells for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors

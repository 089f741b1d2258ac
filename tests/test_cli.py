import json
import subprocess
import sys

import pandas as pd

from sim.cli import main

from .conftest import ROOT


def test_run_writes_summary_series_events_and_map(tmp_path):
    out = tmp_path / "run"
    code = main(["run", "--seed", "3", "--out", str(out), "--quiet",
                 "--set", "duration_days=20"])
    assert code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["scenario"] == "kalbajar_1993_94" and summary["seed"] == 3
    assert summary["start_date"] == "1993-12-15" and summary["end_date"] == "1994-01-04"
    for side in ("azerbaijan", "armenia"):
        for key in ("initial", "reinforcements", "alive", "dead", "wounded", "missing",
                    "cold_injured", "cold_dead", "hypothermia_dead", "avalanche_dead"):
            assert key in summary["sides"][side]
    units = pd.read_parquet(out / "units.parquet")
    assert {"battalion", "side", "x", "y", "lat", "lon", "strength", "date"} <= set(units.columns)
    assert len(pd.read_parquet(out / "timeseries.parquet")) == 81
    assert (out / "map.png").stat().st_size > 50_000
    assert (out / "events.jsonl").read_text().count("orders_issued") >= 2


def test_help_explains_every_option():
    result = subprocess.run([sys.executable, str(ROOT / "run_sim.py"), "run", "--help"],
                            capture_output=True, text=True, check=True)
    for option in ("--seed", "--set", "--out", "--no-map", "--quiet", "scenario"):
        assert option in result.stdout


def test_the_console_script_names_itself(monkeypatch):
    import sys

    from sim.cli import build_parser

    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/kalbajar-sim", "--help"])
    assert build_parser().prog == "kalbajar-sim"
    monkeypatch.setattr(sys, "argv", ["run_sim.py"])
    assert build_parser().prog == "run_sim.py"

#!/usr/bin/env python
"""Replay Operation Kalbajar.

``python run_sim.py`` replays the historical scenario with seed 0;
``python run_sim.py run SCENARIO [--seed N] [--set key=value] [--out DIR]`` runs any scenario.
See ``--help``.
"""

from sim.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python
"""Replay Operation Kalbajar: ``python run_sim.py`` (historical scenario, seed 0) or
``python run_sim.py run SCENARIO [--seed N] [--set key=value] [--out DIR]``; see ``--help``."""

from sim.cli import main

if __name__ == "__main__":
    raise SystemExit(main())

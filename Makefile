# Two commands on a fresh machine:
#   make run    set up, then replay the historical scenario (seed 0) into outputs/
#   make test   set up, then run the test suite
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test bench terrain lint app notebooks figures clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: setup
	$(BIN)/python run_sim.py

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python benchmarks/bench_theatre.py
	$(BIN)/python benchmarks/bench_batch.py

# the interactive page on http://localhost:8765; fills Solara's asset cache from the npm
# registry first where npm exists (for machines that cannot reach Solara's CDN)
app: setup
	-command -v npm >/dev/null && $(BIN)/python -c "import app; app.fill_asset_cache()"
	$(BIN)/solara run app.py

# the notebooks executed with their outputs into outputs/notebooks/: small batches (a few
# minutes in all), or at full size with FULL=1 (about 15 minutes on two cores)
notebooks: setup
	mkdir -p outputs/notebooks
	@for nb in notebooks/*.ipynb; do \
	    echo "$$(date +%H:%M:%S) executing $$nb ($(if $(FULL),full size,quick; FULL=1 for full size))"; \
	    cp $$nb outputs/notebooks/ && \
	    SIM_QUICK=$(if $(FULL),0,1) $(BIN)/jupyter execute --inplace --timeout=3600 \
	        outputs/notebooks/$$(basename $$nb) || exit 1; \
	done; echo "$$(date +%H:%M:%S) done: outputs/notebooks/"

# the README's figures in docs/: the peak map of seed 0, milestones and outcomes of 40 seeds
figures: setup
	$(BIN)/python -m sim.figures

terrain: setup
	$(BIN)/python -m sim.build_terrain

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) outputs .pytest_cache

# isf-sim — the commands of the README. `make run` and `make test` work on a fresh machine
# with only a system Python: they create .venv (Python >= 3.12) and install what is needed.
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?= -n 2

.PHONY: setup run test lint bench audit exercises clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@py=$$(scripts/find-python.sh) || exit 1; \
	  echo "setting up $(VENV) with $$py"; \
	  [ -x $(BIN)/python ] || $$py -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

## the baseline: a few hundred runs, the table, and figures (report/ inside the result folder)
run: setup
	$(BIN)/isf-sim
	$(BIN)/isf-report results/baseline/latest

## the tests (slow ones included), after the lint and format check
test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## ruff: lint and format check (`$(BIN)/ruff format .` and `$(BIN)/ruff check --fix .` mend most)
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## speed: runs per second of the bare model loop and of isf-sim
bench: setup
	$(BIN)/python -m sim.bench

## does every parameter and scenario lever move an outcome? (docs/audit.md, a few minutes)
audit: setup
	$(BIN)/python -m sim.audit

## the numbers in the exercises' instructor notes, from real runs (about a minute)
exercises: setup
	$(BIN)/python -m sim.teaching.exercises

clean:
	rm -rf $(VENV) results .pytest_cache .hypothesis

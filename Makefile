# isf-sim — the commands of the README. `make run` and `make test` work on a fresh machine
# with only a system Python: they create .venv (Python >= 3.12) and install what each needs.
# `make run` installs only what running and reporting need; the test, app and cluster extras come
# with `make test` (or `make app` for the teaching page alone).
VENV   := .venv
BIN    := $(VENV)/bin
# two workers, each sent one test at a time, the longest modules first (tests/conftest.py)
PYTEST_ARGS ?= -n 2 --maxschedchunk 1
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check
CASE   ?=
# `make run CASE=mycase` (a shipped case's name or a case folder): every target below that runs
# the model takes it; without it, the default case (conf/cases/DEFAULT)
CASE_ARG := $(if $(CASE),case=$(CASE),)

.PHONY: setup setup-test setup-app bytecode run test lint app bench numbers audit exercises handouts figures clean

setup: $(VENV)/.installed-run bytecode
setup-test: $(VENV)/.installed-test bytecode
setup-app: $(VENV)/.installed-app bytecode

# the package's modules compiled once (a no-op when they are up to date): where Python may not
# write bytecode (PYTHONDONTWRITEBYTECODE=1), every isf-sim process, worker and test subprocess
# compiled them from source again, ~0.4 s each
bytecode: | $(BIN)/python
	@$(BIN)/python -m compileall -q sim hydra_plugins

$(BIN)/python:
	@py=$$(scripts/find-python.sh) || exit 1; \
	  echo "setting up $(VENV) with $$py"; \
	  $$py -m venv $(VENV)
	$(PIP) --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(PIP) -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) -e '.[test]'
	@touch $@ $(VENV)/.installed-run $(VENV)/.installed-app

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(PIP) -e '.[app]'
	@touch $@ $(VENV)/.installed-run

## the baseline: a few hundred runs, the table, and figures (report/ inside the result folder)
run: setup
	$(BIN)/isf-sim $(CASE_ARG)
	$(BIN)/isf-report $$($(BIN)/python -c 'import sys; from sim.config.compose import latest_results; print(latest_results(sys.argv[1] or None))' '$(CASE)')

## the tests (slow ones included), after the lint and format check
test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## ruff: lint and format check (`$(BIN)/ruff format .` and `$(BIN)/ruff check --fix .` mend most)
lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## the teaching page on http://127.0.0.1:8765 (isf-app --help for its options)
app: setup-app
	$(BIN)/isf-app $(CASE_ARG)

## speed: runs per second of the bare model loop and of isf-sim
bench: setup
	$(BIN)/python -m sim.bench $(CASE_ARG)

## the numbers the README and docs quote: measured into docs/numbers.json, quotes rewritten (a few minutes;
## speeds from results/bench.json, which `make bench` writes)
numbers: setup
	$(BIN)/python -m sim.tools.numbers

## does every parameter and scenario lever move an outcome? (docs/audit.md, a few minutes)
audit: setup
	$(BIN)/python -m sim.audit $(CASE_ARG)

## the numbers in the exercises' instructor keys, from real runs (a few minutes)
exercises: setup
	$(BIN)/python -m sim.teaching.exercises

## the students' handouts (Markdown and HTML, no answers) in handouts/students/, and the instructor key with the numbers checked by the tests in handouts/instructor/ (hand out only the first)
handouts: setup
	$(BIN)/python -m sim.exercises --handouts handouts --keep-numbers

## every image of README.md and docs/, regenerated from the model (docs/img/; about a minute)
figures: setup-test
	$(BIN)/python -m sim.tools.figures

clean:
	rm -rf $(VENV) results handouts .pytest_cache .hypothesis

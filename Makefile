# The two commands of the README: `make demo` and `make test`. Both create the venv if missing.
PYTHON ?= python3
VENV ?= .venv
FERRY := $(VENV)/bin/ferry
SCALE ?= 0.05
SEED ?= 1
REPORT ?= $(or $(FERRY_STATE_DIR),.ferry)/report.html
# Test processes: each has its own template databases; files are not split between them, so
# a module's shared fixtures are built once.
TEST_WORKERS ?= 2

.PHONY: install demo test lint format bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

## demo: on the configured servers (embedded PostgreSQL if none): build the legacy and target
## databases, migrate everything, validate every row, show the accounting per entity, and
## write the HTML report (its path is printed last). A re-run starts clean: the legacy
## database is generated anew, so what an earlier demo (and any sync since) wrote in the
## target is rolled back first.
demo: install
	$(FERRY) check
	$(FERRY) legacy generate --scale $(SCALE) --seed $(SEED)
	$(FERRY) target create
	$(FERRY) rollback all
	$(FERRY) migrate all
	$(FERRY) validate final
	$(FERRY) status
	$(FERRY) report --format html -o $(REPORT)

## test: lint, format check, and the whole test suite against a real PostgreSQL. ferry's
## sources are compiled first: the tests run ferry as some 300 processes, and where
## PYTHONDONTWRITEBYTECODE is set (as on CI's machine) each would compile them again (0.3 s).
test: install lint
	$(VENV)/bin/python -m compileall -q src
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## bench: ferry vs the COPY ceiling and the legacy method (BENCH_ARGS="--scales 0.25,1,4").
bench: install
	$(VENV)/bin/python bench/run.py $(BENCH_ARGS)

## soak: `ferry migrate all` killed at random moments and resumed each time, then compared with
## an uninterrupted twin (SOAK_ARGS="--kills 200 --scale 0.2 --seed 1"); writes
## bench/results/<date>-soak.md.
.PHONY: soak
soak: install
	$(VENV)/bin/python bench/soak.py $(SOAK_ARGS)

# Each target sets itself up: a fresh clone needs only python3 (3.11+).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit bench quality clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## The offline demo: the bundled story, served on loopback, polled day by day.
demo: $(STAMP)
	$(BIN)/monitor demo

## The whole suite: lint, types, tests (PostgreSQL tests skip unless a server is reachable).
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

quality: $(STAMP)
	$(BIN)/python -m bench.quality

bench: $(STAMP)
	$(BIN)/python -m bench.speed

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

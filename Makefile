# intacct-bridge — the two commands a newcomer needs:
#   make run    install, then serve the Intacct sandbox (embedded defaults, no credentials)
#   make test   install with dev tools, then lint, type-check and run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install install-dev lint typecheck pytest bench clean help

help:
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# pyintacct 0.1.1 declares pydantic<2; its dict API works with pydantic 2 (docs/testing.md)
	$(BIN)/python -m pip install --quiet --no-deps 'pyintacct==0.1.1'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed ## install the package into .venv

install-dev: $(VENV)/.installed-dev ## install the package and the dev tools into .venv

run: install ## serve the Intacct sandbox on http://127.0.0.1:8080
	$(BIN)/intacct-bridge sandbox serve

lint: install-dev ## ruff
	$(BIN)/ruff check src tests benchmarks

typecheck: install-dev ## mypy --strict on src/
	$(BIN)/mypy

pytest: install-dev ## the test suite only
	$(BIN)/python -m pytest

test: lint typecheck pytest ## everything CI runs

bench: install-dev ## the benchmarks
	$(BIN)/python benchmarks/sandbox_throughput.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

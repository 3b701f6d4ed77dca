# intacct-bridge — the two commands a newcomer needs:
#   make run    install, then run the demo: the sandbox and the bridge end to end on the demo
#               company's month (no configuration, no credentials), with a summary;
#               make run PORT=8000 (or SERVE=1) then keeps the bridge's web app running there
#   make test   install with dev tools, then lint, type-check and run the whole test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# `make run PORT=N` (or SERVE=1, port 8000) keeps the bridge's web app running after the demo.
SERVE ?= $(if $(filter command line environment,$(origin PORT)),1,)
PORT ?= 8000
# Further options of `intacct-bridge demo`, e.g. make run DEMO="--documents 1000 --realistic"
DEMO ?=

.PHONY: run test install install-dev lint typecheck pytest bench clean help

help:
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# pyintacct 0.1.1 declares pydantic<2; its dict API works with pydantic 2, so it is
# installed without its dependencies (docs/testing.md).
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet --no-deps 'pyintacct==0.1.1'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed ## install the package into .venv

install-dev: $(VENV)/.installed-dev ## install the package and the dev tools into .venv

# Refuse a busy or invalid port before the server prints anything (one line, with the fix).
define PORT_FREE
import errno, socket, sys
text = sys.argv[1]
if not text.isdigit() or not 1 <= int(text) <= 65535:
    sys.exit(f"make run: PORT={text!r} is not a TCP port (1-65535); e.g. make run PORT=8001")
port = int(text)
with socket.socket() as probe:
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind(("127.0.0.1", port))
    except OSError as error:
        state = "is in use" if error.errno == errno.EADDRINUSE else f"cannot be used ({error.strerror})"
        sys.exit(f"make run: port {port} {state}; choose another: make run PORT={port + 1 if port < 65535 else 8001}")
endef
export PORT_FREE

run: install ## run the demo end to end (make run PORT=8000: then keep the bridge serving there)
ifeq ($(SERVE),)
	$(BIN)/intacct-bridge demo $(DEMO)
else
	@$(BIN)/python -c "$$PORT_FREE" '$(PORT)'
	$(BIN)/intacct-bridge demo --serve --port '$(PORT)' $(DEMO)
endif

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

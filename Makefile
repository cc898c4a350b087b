# Always Events: `make run` starts the service with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test up down check-up bench install lint format lock clean

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(PY) || { python=$$(scripts/find-python.sh) && "$$python" -m venv $(VENV); }
	@echo "Installing dependencies into $(VENV) (first run only)..."
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

run: install
	@PORT=$(PORT) scripts/run.sh

test: install
	@scripts/test.sh

bench: install
	@scripts/bench.sh

up:
	docker compose up --build

down:
	docker compose down --remove-orphans

# `make up` end to end: build, start, sign in, render a PDF, stop (docs/docker.md).
check-up:
	@scripts/check-make-up.sh

lint: install
	@$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

format: install
	@$(VENV)/bin/ruff format . && $(VENV)/bin/ruff check --fix .

# Refresh constraints.txt after changing a range in pyproject.toml.
lock:
	@rm -rf .lock-venv && python=$$(scripts/find-python.sh) && "$$python" -m venv .lock-venv
	@.lock-venv/bin/pip install --quiet --disable-pip-version-check -e ".[dev]"
	@.lock-venv/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt && rm -rf .lock-venv
	@echo "constraints.txt updated"

clean:
	rm -rf $(VENV) var staticfiles

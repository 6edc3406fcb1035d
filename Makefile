VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# checkov (the Helm chart's scan) lives in its own environment: its pins clash with the gateway's.
CHECKOV_VENV := $(VENV)/checkov
CHECKOV := $(CHECKOV_VENV)/bin/checkov
# The graphql-http server audit (GraphQL over HTTP conformance), pinned by its package-lock.json.
AUDIT_DIR := tests/gateway/graphql_over_http
AUDIT := $(AUDIT_DIR)/node_modules/.package-lock.json
# Browser assets (console + GraphiQL): built from console/ with the pinned npm packages.
NPM ?= npm
NODE_STAMP := console/node_modules/.installed
ASSETS := gateway/static/.built
CONSOLE_SOURCES := $(shell find console/src -type f -not -path 'console/src/gql/*' 2>/dev/null) \
	$(wildcard console/*.html console/*.ts console/tsconfig.json) schema.graphql

.PHONY: install lock check lint types assets tools run emulator test bench schema wheel clean

# requirements.lock pins every transitive dependency; `make lock` regenerates it from pyproject.toml.
$(STAMP): pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

$(NODE_STAMP): console/package.json console/package-lock.json
	cd console && $(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

lock: $(STAMP)
	$(VENV)/bin/pip-compile --quiet --extra test --strip-extras --no-emit-index-url --no-emit-find-links \
		--output-file requirements.lock pyproject.toml

$(CHECKOV): requirements/checkov.txt | $(STAMP)
	python3 -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet -r requirements/checkov.txt
	touch $(CHECKOV)

$(AUDIT): $(AUDIT_DIR)/package-lock.json
	npm ci --prefix $(AUDIT_DIR) --no-audit --no-fund --loglevel=error
	touch $(AUDIT)

# Code health: ruff (lint and format) and mypy, configured in pyproject.toml.
LINTED := gateway noyo_emulator

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)

types: $(STAMP)
	$(VENV)/bin/mypy

check: lint types

# What the test suite needs beyond the Python environment.
tools: $(CHECKOV) $(AUDIT)

# codegen (operations checked against schema.graphql), tsc, then vite into gateway/static
$(ASSETS): $(NODE_STAMP) $(CONSOLE_SOURCES)
	cd console && $(NPM) run --silent build
	touch $@

assets: $(ASSETS)

install: $(STAMP) $(ASSETS)

run: install
	$(PY) -m gateway serve --demo --host 127.0.0.1 --port 8000

emulator: $(STAMP)
	$(PY) -m noyo_emulator --host 127.0.0.1 --port 8100 --seed 42

test: install tools
	CHECKOV=$(CHECKOV) $(PY) -m pytest

bench: $(STAMP)
	@command -v wrk >/dev/null || (apt-get install -y -qq wrk || (apt-get update -qq && apt-get install -y -qq wrk))
	$(PY) -m bench

schema: $(STAMP)
	$(PY) -m gateway export-schema schema.graphql

# a wheel carrying the built console and GraphiQL
wheel: install
	$(PY) -m pip wheel --quiet --no-deps -w dist .

clean:
	rm -rf $(VENV) .pytest_cache $(AUDIT_DIR)/node_modules gateway/static console/node_modules console/src/gql test-output

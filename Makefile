VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# checkov (the Helm chart's scan) lives in its own environment: its pins clash with the gateway's.
CHECKOV_VENV := $(VENV)/checkov
CHECKOV := $(CHECKOV_VENV)/bin/checkov
# The graphql-http server audit (GraphQL over HTTP conformance), pinned by its package-lock.json.
AUDIT_DIR := tests/gateway/graphql_over_http
AUDIT := $(AUDIT_DIR)/node_modules/.package-lock.json

.PHONY: install tools run emulator test bench schema clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

$(CHECKOV): requirements/checkov.txt | $(STAMP)
	python3 -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet -r requirements/checkov.txt
	touch $(CHECKOV)

$(AUDIT): $(AUDIT_DIR)/package-lock.json
	npm ci --prefix $(AUDIT_DIR) --no-audit --no-fund --loglevel=error
	touch $(AUDIT)

# What the test suite needs beyond the Python environment.
tools: $(CHECKOV) $(AUDIT)

run: $(STAMP)
	$(PY) -m gateway serve --demo --host 127.0.0.1 --port 8000

emulator: $(STAMP)
	$(PY) -m noyo_emulator --host 127.0.0.1 --port 8100 --seed 42

test: $(STAMP) tools
	CHECKOV=$(CHECKOV) $(PY) -m pytest

bench: $(STAMP)
	$(PY) -m bench

schema: $(STAMP)
	$(PY) -m gateway export-schema schema.graphql

clean:
	rm -rf $(VENV) .pytest_cache $(AUDIT_DIR)/node_modules

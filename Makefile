VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# checkov (the Helm chart's scan) lives in its own environment: its pins clash with the gateway's.
CHECKOV_VENV := $(VENV)/checkov
CHECKOV := $(CHECKOV_VENV)/bin/checkov

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

# What the test suite needs beyond the Python environment.
tools: $(CHECKOV)

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
	rm -rf $(VENV) .pytest_cache

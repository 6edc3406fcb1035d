VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run emulator test bench schema clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) -m gateway serve --demo --host 127.0.0.1 --port 8000

emulator: $(STAMP)
	$(PY) -m noyo_emulator --host 127.0.0.1 --port 8100 --seed 42

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m bench

schema: $(STAMP)
	$(PY) -m gateway export-schema schema.graphql

clean:
	rm -rf $(VENV) .pytest_cache

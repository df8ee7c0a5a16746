# Two commands do all the set-up on a fresh machine with Python 3.11+:
#   make run    venv, install, migrate the embedded SQLite database, load the demo, serve on :8000
#   make test   venv, install with the dev tools, run the whole suite (SQLite and PostgreSQL)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test bench clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/events db upgrade
	$(BIN)/events demo
	$(BIN)/events serve

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/event_page.py

# After changing texts in code or templates: refresh the French catalogue, then translate its new entries.
messages: $(VENV)/.installed-dev
	$(BIN)/pybabel extract -F src/events/locale/babel.cfg -k N_ --no-location --sort-output --omit-header \
		-o src/events/locale/messages.pot .
	$(BIN)/pybabel update -i src/events/locale/messages.pot -d src/events/locale -l fr \
		--no-fuzzy-matching --ignore-obsolete -w 100
	rm src/events/locale/messages.pot

clean:
	rm -rf $(VENV) data dist build

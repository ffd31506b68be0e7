# Ruche: `make run` serves the demo at http://127.0.0.1:8000, `make test` runs the whole suite.
# Only Python 3.11+ is needed; everything else is installed into .venv from PyPI.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?= -q -p no:cacheprovider

.PHONY: help install install-test run demo test test-sqlite test-postgres lint clean

help:
	@echo "make run    create .venv, install, seed the demo community if the database is empty, serve on http://$(HOST):$(PORT)"
	@echo "make test   install test extras, run the suite on SQLite, then on PostgreSQL when one answers"
	@echo "make lint   ruff on app/, tests/ and bench/, then mypy (strict on the core, see pyproject.toml)"
	@echo "make clean  remove .venv and the local data/ folder"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: $(VENV)/.installed
	$(BIN)/python -m app.demo --if-empty
	$(BIN)/ruche serve --host $(HOST) --port $(PORT)

demo: $(VENV)/.installed
	$(BIN)/ruche demo

# SQLite always; PostgreSQL with RUCHE_TEST_DATABASE_URL, or a local server (database ruche_test_ci) when one
# answers on 127.0.0.1:5432. Both runs happen even if the first fails; the target fails if either did.
test: $(VENV)/.installed-test
	@status=0; \
	$(MAKE) --no-print-directory test-sqlite || status=1; \
	$(MAKE) --no-print-directory test-postgres || status=1; \
	exit $$status

test-sqlite: $(VENV)/.installed-test
	@echo "== test suite on SQLite"
	env -u RUCHE_TEST_DATABASE_URL $(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: $(VENV)/.installed-test
	@url="$${RUCHE_TEST_DATABASE_URL:-$$($(BIN)/python .ci/pg_test_db.py)}"; \
	if [ -z "$$url" ]; then echo "== no PostgreSQL answered on 127.0.0.1:5432: PostgreSQL suite skipped"; exit 0; fi; \
	echo "== test suite on PostgreSQL ($$url)"; \
	RUCHE_TEST_DATABASE_URL="$$url" $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check app tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) data

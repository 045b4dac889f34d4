# Huying — the two commands of the quick start: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HUYING_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/huying_test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test browser lint test-sqlite test-postgres install install-dev clean bench messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## make demo: install, migrate the SQLite database, load the demo district once, serve on 127.0.0.1:8000
demo: install
	$(BIN)/huying migrate --noinput
	$(BIN)/huying demo_load
	$(BIN)/huying collectstatic --noinput --verbosity 0
	$(BIN)/huying demo_info --host $(HOST) --port $(PORT)
	$(BIN)/huying runserver $(HOST):$(PORT)

## make test: lint, then the whole suite on SQLite and (where reachable) on PostgreSQL
test: install-dev browser lint test-sqlite test-postgres

## the browser for page tests: Debian's chromium (Playwright's own download is never used)
browser:
	@test -x /usr/bin/chromium || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium) \
		|| (echo "install Debian's chromium (apt-get install chromium) for the page tests" && exit 1)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/huying makemigrations --check --dry-run >/dev/null || (echo "models changed without a migration" && exit 1)

test-sqlite: install-dev
	@echo "== test suite on SQLite"
	env -u DATABASE_URL $(BIN)/pytest

test-postgres: install-dev
	@if $(BIN)/python -m huying.lib.dbcheck "$(HUYING_TEST_DATABASE_URL)"; then \
		echo "== test suite on PostgreSQL"; \
		DATABASE_URL="$(HUYING_TEST_DATABASE_URL)" $(BIN)/pytest; \
	else \
		echo "== PostgreSQL not reachable at $(HUYING_TEST_DATABASE_URL): PostgreSQL leg skipped"; \
	fi

bench: install-dev
	$(BIN)/python bench/bench_case_create.py

## make messages: refresh the English catalogue from the source strings, then compile it
messages: install-dev
	cd huying && ../$(BIN)/django-admin makemessages -l en --ignore "migrations/*" --no-obsolete
	cd huying && ../$(BIN)/django-admin compilemessages -l en

clean:
	rm -rf $(VENV) var build *.egg-info

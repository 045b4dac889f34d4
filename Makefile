# Huying — the two commands of the quick start: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HUYING_TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/huying_test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test browser assets lint test-sqlite test-postgres install install-dev clean bench messages

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

# Front-end libraries (htmx, Leaflet and its plugins, ECharts) from the npm registry, pinned by
# package-lock.json, copied into huying/static/vendor/ so Huying serves them itself: nothing loads from the
# internet at run time.
VENDOR := huying/static/vendor
assets: $(VENDOR)/.installed
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/leaflet
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/echarts/dist/echarts.min.js $(VENDOR)/
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images \
		node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
		node_modules/leaflet.markercluster/dist/MarkerCluster.css \
		node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css \
		node_modules/leaflet.heat/dist/leaflet-heat.js $(VENDOR)/leaflet/
	touch $@

## make demo: install, migrate the SQLite database, load the demo district once, serve on 127.0.0.1:8000
## with the worker (timers, notifications, upstream, feeds) running beside the server and stopping with it
demo: install assets
	$(BIN)/huying migrate --noinput
	$(BIN)/huying demo_load
	$(BIN)/huying collectstatic --noinput --verbosity 0
	$(BIN)/huying demo_info --host $(HOST) --port $(PORT)
	$(BIN)/huying worker & worker=$$!; trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
		$(BIN)/huying runserver $(HOST):$(PORT)

## make test: lint, then the whole suite on SQLite and (where reachable) on PostgreSQL
test: install-dev assets browser lint test-sqlite test-postgres

## the browser for page tests: Debian's chromium (Playwright's own download is never used), a Chinese font
## so the screenshots kept as test artefacts show characters rather than boxes, and gettext for the check
## that every interface string is translated
browser:
	@(test -x /usr/bin/chromium && fc-list :lang=zh | grep -q . && command -v xgettext >/dev/null) || \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-wqy-microhei gettext) \
		|| (echo "install Debian's chromium, fonts-wqy-microhei and gettext (apt-get install ...) for the tests" && exit 1)

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

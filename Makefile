# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	&& echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup db lint messages clean serve-prod

$(INSTALLED): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

# The page checkers the tests run (vnu-jar, axe-core), pinned in package-lock.json, when
# package.json exists. --ignore-scripts: vnu-jar's install script would download a Java
# runtime; the system's Java 17 runs vnu.jar. Without npm the checks skip, except in CI
# (BIONET_REQUIRE_BROWSER=1), where that is a failure.
NODE_INSTALLED := $(if $(wildcard package.json),node_modules/.installed)

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund && touch $@; \
	elif [ "$$BIONET_REQUIRE_BROWSER" = 1 ]; then \
		echo "npm is needed for the page checkers (BIONET_REQUIRE_BROWSER=1)."; exit 1; \
	else \
		echo "npm not found: the HTML and accessibility checks will skip."; \
	fi

setup: $(INSTALLED) $(NODE_INSTALLED)

db: setup
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_directory

## Sets everything up and serves the directory data on http://$(HOST):$(PORT)/, with the
## background worker (long work: network analyses and files, large imports, article fetches)
## beside the server; both stop together. They share a cache folder under var/.
run: export DJANGO_CACHE_URL ?= file://$(CURDIR)/var/cache
run: db
	$(BIN)/python manage.py create_local_admin --url http://$(HOST):$(PORT)/admin/
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py db_worker --queue-name '*' --verbosity 1 & worker=$$!; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Serves as production does (debug off, gunicorn, 2 workers); needs DJANGO_SECRET_KEY.
serve-prod: setup
	PYTHON=$(BIN)/python PORT=$(PORT) scripts/serve_production.sh

## Sets everything up and runs the whole test suite (SQLite unless DATABASE_URL is set).
test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles var .pytest_cache .ruff_cache

# AutoAgenda — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
# Every recipe here is for development: DEBUG is on unless the environment says otherwise
# (the settings default it to off, so that a deployment which forgets it is refused).
export DEBUG ?= 1

.PHONY: run test lint imports typecheck migrations-check pytest install messages bench clean worker fuzz

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## Start everything on the embedded defaults (SQLite, in-memory channel layer) with demo data.
## --no-proxy-headers: uvicorn would believe X-Forwarded-For from 127.0.0.1; only BEHIND_TLS_PROXY decides that.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo ""
	@echo "  AutoAgenda is running at http://127.0.0.1:8000/"
	@$(PY) manage.py demo_logins
	@echo ""
	$(PY) manage.py run_web_and_worker --host 127.0.0.1 --port 8000

## Only the notifications worker (make run starts one beside the web server).
worker: install
	$(PY) manage.py worker

## The whole suite: lint, import layers, types, migrations check, tests.
test: install lint imports typecheck migrations-check pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## The layers (CONTRIBUTING.md): an app imports only the apps below it (import-linter, [tool.importlinter]).
imports: install
	$(BIN)/lint-imports --no-cache

typecheck: install
	$(BIN)/mypy autoagenda config

migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

## Tests run in two processes (pytest-xdist; the machines we run on have two cores): each has its own test
## database and its own Redis database (config/settings.py). PYTEST_ARGS="-n 0" runs them in one.
PYTEST_ARGS ?= -n 2
pytest: install
	TESTING=1 $(BIN)/pytest -q $(PYTEST_ARGS)

## Schemathesis over every API operation against a real server on PostgreSQL (what .ci/run does last).
fuzz: install
	$(PY) .ci/fuzz_api.py

## Regenerate translation catalogues (needs gettext) and compile them.
messages: install
	$(PY) manage.py makemessages -l es -l en --ignore='.venv/*' --ignore='var/*' --no-location
	$(PY) manage.py makemessages -d djangojs -l es -l en --ignore='.venv/*' --ignore='var/*' --no-location
	$(PY) manage.py compilemessages --ignore='.venv/*'

## The benchmarks (bench/RESULTS.md): the real workload's goal table first (issue 10; BENCH_SMOKE=1 for a tiny
## run), then the older single-request figures, the walk-in display, the notifications and the desk's job board
## (issue 12: 300 open work orders, 8 clients; BENCH_SMOKE=1 for a tiny run, which writes nothing).
bench: install
	$(PY) bench/workload.py
	$(PY) bench/availability.py
	$(PY) bench/display.py
	$(PY) bench/notifications.py
	$(PY) bench/billing.py
	$(PY) bench/workorders.py

clean:
	rm -rf $(VENV) var/*.sqlite3*

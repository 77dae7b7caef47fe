# CareDesk: `make run` for the app with demo data, `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers: one per core (CI machines have 2), at most eight, because each takes two of
# Redis's sixteen DBs (config/settings_test.py refuses a ninth rather than let two share one).
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n < 8 ? n : 8 )))

.PHONY: run test lint services browser screenshots clean help bench-reminders bench loadtest backup restore

help:
	@echo "make run    - the app with demo data on http://$(HOST):$(PORT) (SQLite, embedded broker)"
	@echo "make test   - the whole suite on PostgreSQL and Redis on localhost"
	@echo "make lint   - ruff check, ruff format --check, mypy"
	@echo "make backup [FILE=…]         - pg_dump the database DATABASE_URL names (default var/backups/)"
	@echo "make restore FILE=… [FORCE=1] - load a backup into DATABASE_URL's database, which must be empty"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "CareDesk needs Python 3.11 or newer"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.installed
	DEBUG=true $(PY) manage.py migrate --noinput
	DEBUG=true $(PY) manage.py seed_demo --if-empty
	DEBUG=true HOST=$(HOST) PORT=$(PORT) $(PY) scripts/run_local.py

# The property tests run derandomised (tests/conftest.py, profile "ci"): the same examples every run, so a
# failure reproduces; HYPOTHESIS_PROFILE=dev explores new ones.
HYPOTHESIS_PROFILE ?= ci

test: $(VENV)/.installed services browser
	$(PY) manage.py makemigrations --check --dry-run --settings=config.settings_test
	HYPOTHESIS_PROFILE=$(HYPOTHESIS_PROFILE) $(PY) -m pytest -n $(TEST_WORKERS)

services:
	@bash scripts/ensure_services.sh

# Browser tests drive Debian's chromium; Playwright cannot download its own browsers here.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

# The complaint page pictured for the docs: docs/complaint.png.
screenshots: $(VENV)/.installed browser
	CAREDESK_SCREENSHOT_DIR=docs $(PY) -m pytest tests/browser -k screenshot -p no:xdist

# 10,000 due reminders, two workers, loopback SMTP; its own database (caredesk_bench_reminders) and Redis DB 9.
bench-reminders: $(VENV)/.installed services
	$(PY) bench/reminders.py

# The main screens over HTTP at 1,000,000 complaints (gunicorn, DEBUG off): seeds caredesk_bench once
# (BENCH_RESEED=1 to reseed), writes bench/results.json and bench/results.md.
bench: $(VENV)/.installed services
	$(PY) bench/http_bench.py

# 50 staff at once for 3 minutes on make bench's database, with a Redis restart and a worker kill, then the
# saturation point (bench/loadtest.py): writes bench/loadtest.json and bench/loadtest.md. locust runs in its
# own virtualenv: its gevent must not meet pytest or Django.
LOADTEST_VENV := .venv-loadtest

$(LOADTEST_VENV)/.installed: requirements-loadtest.txt
	test -x $(LOADTEST_VENV)/bin/python || $(PYTHON) -m venv $(LOADTEST_VENV)
	$(LOADTEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOADTEST_VENV)/bin/python -m pip install --quiet -r requirements-loadtest.txt
	touch $@

loadtest: $(VENV)/.installed $(LOADTEST_VENV)/.installed services
	$(PY) bench/loadtest.py

# The database DATABASE_URL names, with pg_dump -Fc / pg_restore (config/backups.py; README, "Backup and restore").
# No dependency on the test tools: on a server, PY=/opt/caredesk/venv/bin/python make backup.
backup:
	$(PY) manage.py backup $(FILE)

restore:
	@test -n "$(FILE)" || { echo "usage: make restore FILE=path/to/backup.dump [FORCE=1]"; exit 2; }
	$(PY) manage.py restore "$(FILE)" $(if $(FORCE),--force)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(VENV)/bin/mypy .

clean:
	rm -rf $(VENV) $(LOADTEST_VENV) var .pytest_cache .mypy_cache .ruff_cache

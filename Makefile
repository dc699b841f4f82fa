# HomeRx: `make run` and `make test` work on a fresh machine (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1
export DJANGO_SETTINGS_MODULE := config.settings
# Links printed by seed_demo (and put in QR codes) point at the server `make run` starts.
export SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: help setup run serve test messages stack-test s3 lint system-deps python-deps node-deps migrate seed bench pictures clean

help:
	@echo "make run     install everything, load the catalogue and demo clinic, serve on $(HOST):$(PORT)"
	@echo "make setup   the same without serving"
	@echo "make test    install everything and run the whole suite (browser tests included)"
	@echo "make serve   production-style: migrate, collectstatic, gunicorn + task worker"
	@echo "make bench   run the benchmarks, write bench/results.json"
	@echo "make s3      a local S3 endpoint (moto) on 127.0.0.1:$(S3_PORT) with the bucket $(S3_LOCAL_BUCKET)"

# Debian packages: pango for WeasyPrint, fonts for every script, Chromium for browser tests.
system-deps:
	@bash scripts/system-deps.sh

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

python-deps: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node-deps: node_modules/.installed

migrate: python-deps node-deps
	$(PY) manage.py migrate --noinput

# The compiled catalogues (.mo) are build output, made from the committed .po files.
# msgfmt comes from the gettext package, which scripts/system-deps.sh installs.
messages: python-deps
	@command -v msgfmt >/dev/null || { echo "compilemessages needs msgfmt: sudo apt-get install gettext" >&2; exit 1; }
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules

setup: system-deps python-deps node-deps migrate messages
	$(PY) manage.py import_catalogue
	$(PY) manage.py load_starters
	$(PY) manage.py import_instruments
	$(PY) manage.py seed_demo

run: setup
	@echo "Serving HomeRx on http://$(HOST):$(PORT)/"
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production-style serving: gunicorn (WEB_CONCURRENCY workers) and the background task worker.
serve: system-deps python-deps node-deps messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	TASKS_BACKEND=$${TASKS_BACKEND:-database} $(PY) manage.py db_worker & \
	  TASKS_BACKEND=$${TASKS_BACKEND:-database} $(VENV)/bin/gunicorn config.wsgi --config config/gunicorn.py --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-2}

test: system-deps python-deps node-deps messages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# A local S3-compatible endpoint for development: moto's server mode on loopback (no Docker, no
# account), with the bucket made. Another shell then runs HomeRx against it with the variables
# printed below. It keeps everything in memory: stopping it loses the files.
S3_PORT ?= 9100
S3_LOCAL_BUCKET ?= homerx
S3_LOCAL_ENV := S3_BUCKET=$(S3_LOCAL_BUCKET) S3_ENDPOINT_URL=http://127.0.0.1:$(S3_PORT) \
	S3_ACCESS_KEY_ID=local S3_SECRET_ACCESS_KEY=local S3_REGION=us-east-1
s3: python-deps
	@$(VENV)/bin/moto_server -H 127.0.0.1 -p $(S3_PORT) & moto=$$!; trap 'kill $$moto' EXIT INT TERM; \
	  for _ in $$(seq 100); do $(PY) -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$(S3_PORT)/moto-api/')" \
	    2>/dev/null && break; sleep 0.2; done; \
	  $(S3_LOCAL_ENV) $(PY) manage.py s3_create_bucket && \
	  echo "S3 endpoint on http://127.0.0.1:$(S3_PORT)/. In another shell: $(S3_LOCAL_ENV) make run" && \
	  wait $$moto

# The whole stack in one test (tests/stack/): two gunicorn servers, a task worker, PostgreSQL
# (STACK_DATABASE_URL, a server where a throw-away database may be created), Redis and moto.
stack-test: python-deps node-deps
	$(VENV)/bin/pytest -p no:cacheprovider -m stack tests/stack $(PYTEST_ARGS)

lint: python-deps
	$(VENV)/bin/ruff check .

bench: python-deps node-deps
	@bash scripts/system-deps.sh --bench
	$(PY) bench/run.py

pictures: migrate
	$(PY) manage.py import_catalogue
	$(PY) manage.py picture_sheet -o pictures.html

clean:
	rm -rf $(VENV) node_modules staticfiles

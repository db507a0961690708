# Attune: `make run` to try it locally, `make test` to run every check. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_HOME := .tools/uv
UV := $(UV_HOME)/bin/uv
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 3

# Local mode: DEBUG on, SQLite under var/ unless DATABASE_URL says otherwise, keys generated into var/.
LOCAL := DJANGO_DEBUG=True
# The suite runs with DEBUG off and throwaway keys that exist only for tests (they guard no data).
TESTENV := DJANGO_DEBUG=False ATTUNE_HTTPS=False \
	DJANGO_SECRET_KEY=tests-only-secret-key-not-used-anywhere-else-0123456789 \
	ATTUNE_MASTER_KEYS=dGVzdHMtb25seS1tYXN0ZXIta2V5LTAxMjM0NTY3ODk=,b2xkLXRlc3RzLW9ubHktbWFzdGVyLWtleS0wMTIzNDU= \
	DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1,testserver \
	ATTUNE_EMAIL_VERIFICATION=mandatory

.PHONY: help run test serve worker bench lint format clean chromium
BENCH_DB ?= sqlite:///$(CURDIR)/var/bench.sqlite3

help:
	@echo "make run    install, migrate, load starter content, serve http://127.0.0.1:8000 (local, SQLite)"
	@echo "make test   install and run every check: ruff, Django checks, migrations, pytest + browser tests"
	@echo "make serve  production mode: no dev dependencies, collectstatic, migrate, gunicorn"
	@echo "make worker production mode: the background worker (imports); run one or more beside make serve"
	@echo "make bench  seed 1, 10 and 30 years among 100 people, measure every page (docs/benchmarks.md)"

# uv goes into a folder of the repo, never system-wide.
$(UV):
	python3 -m venv $(UV_HOME)
	$(UV_HOME)/bin/pip install --quiet --disable-pip-version-check uv==0.13.9

run: $(UV)
	$(UV) sync --frozen
	$(LOCAL) $(PY) manage.py migrate --noinput
	$(LOCAL) $(PY) manage.py createcachetable
	$(LOCAL) $(PY) manage.py load_starter_content
	$(LOCAL) $(PY) manage.py create_demo_account
	@# The background worker (imports from the import page) runs beside the dev server and stops with it.
	$(LOCAL) $(PY) manage.py worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT; \
		$(LOCAL) $(PY) manage.py runserver 127.0.0.1:8000

# Browser tests need Debian's Chromium; install it when we can (root with apt), as CI does.
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	fi

test: $(UV) chromium
	$(UV) sync --frozen
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(TESTENV) $(PY) manage.py check
	$(TESTENV) $(PY) manage.py makemigrations --check --dry-run
	$(TESTENV) $(PY) manage.py collectstatic --noinput -v 0
	.venv/bin/lint-imports --no-cache
	$(TESTENV) $(PY) -m coverage run -m pytest $(PYTEST_ARGS)
	$(PY) -m coverage report --format=total | sed 's/^/Line coverage of config, journal and needs: /; s/$$/ %/'

serve: $(UV)
	$(UV) sync --frozen --no-dev
	$(PY) manage.py collectstatic --noinput -v 0
	# migrate, cache table, starter content under one database lock: instances may start at the same moment.
	$(PY) manage.py prepare_database
	# Every gunicorn setting (bind, workers, proxies, the redacting access log) is in config/gunicorn.py.
	HOST=$(HOST) PORT=$(PORT) WEB_CONCURRENCY=$(WEB_CONCURRENCY) exec .venv/bin/gunicorn --config config/gunicorn.py config.wsgi

# Production's background worker: imports from the import page. Run at least one, on any machine, with the
# same settings as `make serve`; several are safe. It queues again an import a stopped worker left part-way.
worker: $(UV)
	$(UV) sync --frozen --no-dev
	exec $(PY) manage.py worker

# Seeds (once) people with 1, 10 and 30 years among lighter people on DATABASE_URL (default: var/bench.sqlite3),
# measures every page in-process and through gunicorn with wrk. BENCH_ARGS="--people 10000" compares 100 with
# 10,000 other people in one run; BENCH_ARGS="--quick" is a smoke run (manage.py bench --help).
bench: $(UV)
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(UV) sync --frozen
	$(LOCAL) DATABASE_URL=$${DATABASE_URL:-$(BENCH_DB)} $(PY) manage.py migrate --noinput -v 0
	$(LOCAL) DATABASE_URL=$${DATABASE_URL:-$(BENCH_DB)} $(PY) manage.py createcachetable
	$(LOCAL) DATABASE_URL=$${DATABASE_URL:-$(BENCH_DB)} $(PY) manage.py load_starter_content
	$(LOCAL) DATABASE_URL=$${DATABASE_URL:-$(BENCH_DB)} $(PY) manage.py bench $(BENCH_ARGS)

lint: $(UV)
	$(UV) sync --frozen
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

clean:
	rm -rf .venv $(UV_HOME) staticfiles var/test.sqlite3*

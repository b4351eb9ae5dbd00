# A2B Lab — `make run` starts the app, `make test` runs the static checks (`make check`: ruff, import
# contracts, mypy, migrations) and then the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/a2blab
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test venv messages migrate demo lint format check-migrations browser-deps test-pg test-embedded clean i18n \
	typecheck typecheck-baseline imports check bench-room bench-ml bench-learn bench-draw bench-text

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "A2B Lab needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing A2B Lab and its dependencies into $(VENV) ..."
	@$(PIP) install -q --upgrade pip 2>&1 | grep -v "is ignored" || true
	@set -o pipefail; $(PIP) install -q -e '.[dev]' 2>&1 | { grep -v "is ignored: it is neither" || true; }
	@touch $(STAMP)

venv: $(STAMP)

messages: $(STAMP)
	@$(PY) manage.py i18n_compile

migrate: $(STAMP)
	@$(PY) manage.py migrate --no-input -v 0

demo: migrate
	@$(PY) manage.py loaddemo

run: venv messages migrate demo
	@HOST=$(HOST) PORT=$(PORT) $(PY) manage.py serve

# --- tests ------------------------------------------------------------------------
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests ..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@if ! fc-list :lang=ko 2>/dev/null | grep -q .; then \
	  echo "Installing a Korean font so screenshots are readable ..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-nanum >/dev/null; \
	fi
	@if ! command -v xgettext >/dev/null || ! command -v msgmerge >/dev/null; then \
	  echo "Installing gettext for the catalogue test ..."; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gettext >/dev/null; \
	fi

lint: $(STAMP)
	@status=0; $(PY) -m ruff check . || status=1; $(PY) -m ruff format --check . || status=1; exit $$status

format: $(STAMP)
	@$(PY) -m ruff check --fix .
	@$(PY) -m ruff format .

check-migrations: $(STAMP)
	@$(PY) manage.py makemigrations --check --dry-run

# mypy (config in pyproject's [tool.mypy]) against mypy-baseline.txt, which may only shrink:
# a new error fails, and so does a fixed one until the baseline is rewritten (tools/mypy_check.py).
typecheck: $(STAMP)
	@$(PY) tools/mypy_check.py

typecheck-baseline: $(STAMP)
	@$(PY) tools/mypy_check.py --update

# The import-linter contracts in pyproject's [tool.importlinter] (layers; mlcore.learn without Django).
# tests/test_import_graph.py runs them too, with the check for import circles.
imports: $(STAMP)
	@$(VENV)/bin/lint-imports --no-cache

# Every static check (what .pre-commit-config.yaml runs); all of them run, then it fails if any did.
check: $(STAMP)
	@failed=""; \
	for step in lint imports typecheck check-migrations; do \
	  $(MAKE) --no-print-directory $$step || failed="$$failed $$step"; \
	done; \
	if [ -n "$$failed" ]; then echo "!! failed:$$failed"; exit 1; fi

# The whole suite on the production shape (PostgreSQL + Redis) when PostgreSQL answers, and beside
# it the embedded-default set on SQLite with the in-memory layer and filesystem broker (its own var
# folder; its output follows the PostgreSQL pass's). The embedded pass waits on Celery workers most
# of its time, so side by side the suite takes about as long as the PostgreSQL pass alone.
EMBEDDED_LOG = var/test-embedded.log
test: venv messages browser-deps check
	@if $(PY) -c "import psycopg,sys; psycopg.connect('$(TEST_DATABASE_URL)'.replace('/a2blab','/postgres'), connect_timeout=3).close()" 2>/dev/null; then \
	  mkdir -p var; \
	  A2B_VAR_DIR=$(CURDIR)/var/test-embedded $(MAKE) --no-print-directory test-embedded >$(EMBEDDED_LOG) 2>&1 & embedded=$$!; \
	  $(MAKE) --no-print-directory test-pg; pg=$$?; \
	  wait $$embedded; emb=$$?; \
	  cat $(EMBEDDED_LOG); \
	  if [ $$pg -ne 0 ] || [ $$emb -ne 0 ]; then echo "!! failed: PostgreSQL pass rc=$$pg, embedded pass rc=$$emb"; exit 1; fi; \
	else \
	  echo "!! PostgreSQL is not reachable at $(TEST_DATABASE_URL): running the whole suite on SQLite."; \
	  $(MAKE) --no-print-directory test-embedded EMBEDDED_MARKS="" && $(MAKE) --no-print-directory test-embedded; \
	fi

test-pg:
	@echo "== Suite on PostgreSQL + Redis (production shape) =="
	@env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
	  $(PY) -m pytest -m "not embedded_only" $(PYTEST_ARGS)

EMBEDDED_MARKS ?= -m "embedded or embedded_only"
test-embedded:
	@echo "== Embedded default: SQLite, in-memory channel layer, filesystem broker =="
	@env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL $(PY) -m pytest $(EMBEDDED_MARKS) $(PYTEST_ARGS)

i18n: $(STAMP)
	@$(PY) manage.py i18n_update
	@$(PY) manage.py i18n_compile

# --- benchmarks (run by hand; they print a table and, last, one JSON line) ----------------
STUDENTS ?= 2000
QUESTIONS ?= 10
# SHAPE=production PROCESSES=2: that many web processes + PostgreSQL (BENCH_DATABASE_URL, a database
# of the bench's own: it is dropped and created again) + Redis (BENCH_REDIS_URL, or a private one).
SHAPE ?= embedded
PROCESSES ?= $(if $(filter production,$(SHAPE)),2,1)
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/a2blab_bench
BENCH_REDIS_URL ?=
bench-room: venv messages
	@$(PY) bench/room_load.py --students $(STUDENTS) --questions $(QUESTIONS) --shape $(SHAPE) \
		--processes $(PROCESSES) --database-url $(BENCH_DATABASE_URL) $(if $(BENCH_REDIS_URL),--redis-url $(BENCH_REDIS_URL))

bench-ml: venv messages
	@$(PY) bench/ml_jobs.py

# BUSY_STUDENTS: a second room on the same server answering questions during the guess round (0: none).
BUSY_STUDENTS ?= 500
bench-draw: venv messages
	@$(PY) bench/draw_load.py --students $(if $(filter command line environment,$(origin STUDENTS)),$(STUDENTS),500) \
		--busy-students $(BUSY_STUDENTS)

bench-text: venv messages
	@$(PY) bench/text_load.py --students $(if $(filter command line environment,$(origin STUDENTS)),$(STUDENTS),500)

bench-learn: venv
	@$(PY) bench/ml_learn_script.py

clean:
	rm -rf var/test test-output

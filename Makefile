# Two commands for a fresh machine with Python 3.11+:  make demo  |  make test
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: demo test setup lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("需要 Python 3.11 或更高版本") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)

## make demo: install, migrate, load the demo year if the database is empty, print logins, serve
##            (with the background worker beside the web server)
demo: $(STAMP)
	$(BIN)/python manage.py migrate --noinput -v 0 && echo "数据库已就绪。"
	$(BIN)/python manage.py load_demo --if-empty
	$(BIN)/python manage.py requeue_imports
	@# Pages open on the demo's (complete, past) year unless MOFAN_REPORTING_YEAR is set.
	@# The background worker (django-tasks, database backend) runs beside the web server
	@# and stops with it.
	export MOFAN_REPORTING_YEAR=$${MOFAN_REPORTING_YEAR:-$$($(BIN)/python manage.py demo_logins --print-year)}; \
	  $(BIN)/python manage.py demo_logins && \
	  echo "mofan 已启动：http://$(HOST):$(PORT)/  （Ctrl+C 停止）" && \
	  { $(BIN)/python manage.py db_worker --interval 1 & WORKER=$$!; \
	    trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	    $(BIN)/python manage.py runserver $(HOST):$(PORT) --noreload; }

## make test: install, lint, run the whole suite (SQLite unless DATABASE_URL is set)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run >/dev/null
	$(BIN)/lint-imports
	scripts/ensure-chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## make bench [DATABASE_URL=postgres://...]: every bench/*.py on the county demo (loaded once
##            when the database is empty; SQLite in var/bench/ by default), then bench/RESULTS.md
bench: $(STAMP)
	$(BIN)/python bench/_runner.py

clean:
	rm -rf $(VENV) var .pytest_cache

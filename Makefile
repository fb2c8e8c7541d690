# Xuncha — the two set-up commands are `make run` and `make test`; the rest are for developers.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
XUNCHA := $(VENV)/bin/xuncha
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
TEST_WORKERS ?= 2

# `make run` keeps a generated secret key under var/ unless the environment supplies one.
RUN_ENV :=
ifndef SECRET_KEY
ifndef SECRET_KEY_FILE
RUN_ENV := SECRET_KEY_FILE=$(CURDIR)/var/secret_key
endif
endif

.PHONY: help run dev test lint typecheck migrate demo vendor messages bench clean

help:
	@echo "make run    set everything up and serve the Longsheng demo on http://$(HOST):$(PORT)"
	@echo "make test   install the dev tools and run ruff, mypy, the migration check and the whole test suite"
	@echo "make dev    runserver with autoreload and DEBUG on"
	@echo "make lint | typecheck | migrate | demo | messages | vendor | bench | clean"

$(VENV)/.installed: pyproject.toml
	@if [ ! -x "$(PY)" ]; then \
	  python=$$(scripts/find-python); \
	  echo "Creating $(VENV) with $$python"; \
	  "$$python" -m venv "$(VENV)"; \
	fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

var/secret_key:
	@mkdir -p var
	@umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

run: $(VENV)/.installed var/secret_key
	$(RUN_ENV) $(XUNCHA) migrate --noinput
	$(RUN_ENV) $(XUNCHA) collectstatic --noinput --verbosity 0
	$(RUN_ENV) $(XUNCHA) demo --if-empty
	@echo ""
	@echo "Xuncha is serving on http://$(HOST):$(PORT)/ — sign in with one of the accounts above (Ctrl-C stops it)."
	@# The background worker builds document bundles and runs large imports; it stops with the server.
	$(RUN_ENV) $(XUNCHA) db_worker --no-reload --verbosity 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM; \
	$(RUN_ENV) $(VENV)/bin/gunicorn xuncha.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - --capture-output

dev: $(VENV)/.dev-installed
	DEBUG=1 $(XUNCHA) migrate --noinput
	DEBUG=1 $(XUNCHA) demo --if-empty
	DEBUG=1 $(XUNCHA) db_worker --verbosity 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM; \
	DEBUG=1 $(XUNCHA) runserver $(HOST):$(PORT)

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.dev-installed
	DEBUG=1 $(VENV)/bin/mypy xuncha

test: lint typecheck
	DEBUG=1 $(XUNCHA) makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadgroup

migrate: $(VENV)/.installed
	$(XUNCHA) migrate

demo: $(VENV)/.installed
	$(XUNCHA) demo

messages: $(VENV)/.dev-installed
	cd xuncha && DEBUG=1 ../$(XUNCHA) makemessages --locale zh_Hans --no-obsolete --add-location file
	cd xuncha && DEBUG=1 ../$(XUNCHA) compilemessages --locale zh_Hans

vendor:
	scripts/vendor.sh

bench: $(VENV)/.installed
	$(PY) -m bench

clean:
	rm -rf $(VENV) var/static .pytest_cache .mypy_cache .ruff_cache

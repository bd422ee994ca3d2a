# Yankao: `make run` serves the site with demo data; `make test` runs every test.
# Django 6.1 needs Python 3.12+: we take the newest python3.1x found (pyenv versions included).
SHELL := /bin/bash
PYTHON ?= $(shell bash scripts/find-python.sh)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test lint check-schema schema messages install install-dev clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "需要 Python 3.12 以上 (Python 3.12+ is required)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(DEV_STAMP): pyproject.toml $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

run: $(STAMP)
	@mkdir -p var
	$(BIN)/yankao migrate --noinput
	$(BIN)/yankao demo --if-empty
	@echo "啟動背景工作程序與網站：http://$(HOST):$(PORT)/ (Ctrl+C 結束)"
	@$(BIN)/yankao worker --interval 2 & WORKER=$$!; \
	  trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/yankao runserver $(HOST):$(PORT)

test: $(DEV_STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check src benchmarks
	$(BIN)/yankao makemigrations --check --dry-run
	$(MAKE) check-schema

schema: $(STAMP)
	$(BIN)/yankao spectacular --validate --fail-on-warn --file openapi.yaml

check-schema: $(STAMP)
	$(BIN)/yankao spectacular --validate --fail-on-warn --file var/openapi-check.yaml
	diff -u openapi.yaml var/openapi-check.yaml && echo "OpenAPI schema matches the code."

messages: $(STAMP)
	cd src/yankao && ../../$(BIN)/yankao makemessages -l zh_Hant --no-obsolete && ../../$(BIN)/yankao compilemessages -l zh_Hant

clean:
	rm -rf $(VENV) var/staticfiles

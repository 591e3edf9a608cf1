# The two commands of the README:  make demo  and  make test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install lint messages

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

## Start the product on SQLite with demo data, and print the address and a login per role;
## the worker and the web server run until Ctrl-C (scripts/demo).
demo: $(STAMP)
	@BIN=$(BIN) HOST=$(HOST) PORT=$(PORT) exec scripts/demo

## Run every test: SQLite, PostgreSQL (if reachable; required under CI=true), browser tests.
test: $(STAMP)
	bash scripts/test

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

messages: $(STAMP)
	$(BIN)/python scripts/i18n.py

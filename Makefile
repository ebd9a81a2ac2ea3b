# Two entry points: `make run` and `make test`. Everything is installed by these targets.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run demo test lint bench bench-registry postgres clean docs

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

# The web application on the embedded database: migrate, load the demo municipalities once (loading again
# adds nothing and prints the demo logins), then serve on http://127.0.0.1:8000/ until Ctrl+C.
HOST ?= 127.0.0.1
PORT ?= 8000
run: $(VENV)/.installed
	$(BIN)/rettesnor db upgrade
	$(BIN)/rettesnor demo load
	@echo "Open http://$(HOST):$(PORT)/ and sign in with a demo login above (password: rettesnor-demo)."
	$(BIN)/rettesnor serve --host $(HOST) --port $(PORT)

# The demo texts in examples/ checked against the seed packs.
demo: $(VENV)/.installed
	$(BIN)/rettesnor demo check examples/

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(BIN)/pip install -q -e '.[bench]'
	touch $@

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/check_throughput.py

bench-registry: $(VENV)/.installed-test postgres
	$(BIN)/python bench/registry_checks.py

# PostgreSQL for the governance tests at 127.0.0.1:5432 (trust auth, database `test`): start it if it is down.
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@pg_isready -q -h 127.0.0.1 -p 5432 -t 30 || { echo "PostgreSQL does not answer at 127.0.0.1:5432" >&2; exit 1; }

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info

docs: $(VENV)/.installed
	mkdir -p docs/rules
	for p in $$($(BIN)/python -c "from rettesnor.policy.loader import builtin_packs; print(*builtin_packs())"); do \
		$(BIN)/rettesnor policy docs $$p > docs/rules/$$p.md; done

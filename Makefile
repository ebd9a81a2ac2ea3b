# Two entry points: `make run` and `make test`. Everything is installed by these targets.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint bench clean docs

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
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

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info

docs: $(VENV)/.installed
	mkdir -p docs/rules
	for p in $$($(BIN)/python -c "from rettesnor.policy.loader import builtin_packs; print(*builtin_packs())"); do \
		$(BIN)/rettesnor policy docs $$p > docs/rules/$$p.md; done

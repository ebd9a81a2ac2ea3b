# Two entry points: `make run` and `make test`. Everything is installed by these targets.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run demo test lint bench bench-registry postgres clean docs browser pdf screenshots bench-web

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
run: $(VENV)/.installed pdf
	$(BIN)/rettesnor db upgrade
	$(BIN)/rettesnor demo load
	@echo "Open http://$(HOST):$(PORT)/ and sign in with a demo login above (password: rettesnor-demo)."
	$(BIN)/rettesnor serve --host $(HOST) --port $(PORT)

# The demo texts in examples/ checked against the seed packs.
demo: $(VENV)/.installed
	$(BIN)/rettesnor demo check examples/

# Style, types, and the architecture: import-linter keeps dependencies pointing one way (the contracts in
# pyproject.toml, docs/architecture.md), vulture finds dead code, deptry unused or undeclared dependencies.
lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/vulture
	$(BIN)/deptry src

# The browser tests drive Debian's Chromium (Playwright never downloads a browser) and check accessibility
# with axe-core from the npm registry (tests/browser/package-lock.json). AXE is set before the rule that
# names it: make expands prerequisites when it reads the rule.
AXE := tests/browser/node_modules/.package-lock.json

test: lint browser pdf $(AXE)
	$(BIN)/pytest

# PDF/A documents (WeasyPrint) need Pango and a font to embed: Debian's DejaVu.
pdf:
	@{ ldconfig -p | grep -q libpango-1.0 && fc-list | grep -qi dejavu; } || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)

browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Screenshots of the main pages for the README (docs/screenshots/), in the browser of the tests.
screenshots: $(VENV)/.installed-test browser
	$(BIN)/python scripts/screenshots.py

# The web application under load: POST /api/v1/check at 200 requests/s, the queue page with 10,000 comments.
bench-web: $(VENV)/.installed-test
	$(BIN)/python bench/web_load.py

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
	rm -rf $(VENV) build *.egg-info src/*.egg-info tests/browser/node_modules

docs: $(VENV)/.installed
	mkdir -p docs/rules
	for p in $$($(BIN)/python -c "from rettesnor.policy.loader import builtin_packs; print(*builtin_packs())"); do \
		$(BIN)/rettesnor policy docs $$p > docs/rules/$$p.md; done

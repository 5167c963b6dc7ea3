# The targets are the interface: `make run` and `make test` do everything on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
export HOST PORT

.PHONY: run serve test test-browser web web-check lint format bench schema migrate seed verify-ledger clean lock upgrade messages

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the dependencies change. Every version comes from requirements.lock
# (hash-checked); the project itself is installed on top, without resolving anything.
$(STAMP): requirements.lock pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

LOCK := $(PY) -m uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	--generate-hashes --quiet -o requirements.lock

# After editing pyproject.toml's dependencies: pin them (and what they need) again.
lock: $(STAMP)
	$(LOCK)
	$(PY) -m pip install --quiet -r requirements.lock

# Newer releases within pyproject.toml's ranges, then the engine's compatibility tests and the
# benchmarks. strawberry-graphql and graphql-core are pinned exactly: see README, "Upgrading".
upgrade: $(STAMP)
	$(LOCK) --upgrade
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pytest -q tests/graphql_runtime
	$(PY) -m bench

install: $(STAMP)

# The dashboard (web/, Node.js 20+): `npm ci` when the lock file changes, a build when its
# sources (or the schema its operations are typed from) change.
WEB_STAMP   := web/node_modules/.installed
WEB_BUILT   := web/dist/index.html
WEB_SOURCES := $(shell find web/src -type f ! -path 'web/src/gql/*' 2>/dev/null) \
               web/index.html web/vite.config.ts web/codegen.ts web/tsconfig.json schema.graphql

$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	@touch $(WEB_STAMP)

$(WEB_BUILT): $(WEB_STAMP) $(WEB_SOURCES)
	cd web && npm run build

web: $(WEB_BUILT)

# Type check (operations against schema.graphql) and unit tests of the dashboard.
web-check: $(WEB_STAMP)
	cd web && npm run typecheck && npm test

run: $(STAMP) $(WEB_BUILT)
	$(PY) -m cli migrate
	$(PY) -m cli seed-if-empty
	$(PY) -m cli serve

# The suite mostly waits (databases, sockets, subprocesses): four workers on two cores, each
# taking whole modules (their database and app are module-scoped fixtures).
TEST_WORKERS ?= 4
test: $(STAMP) web-check
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --ignore=tests/browser $(PYTEST_ARGS)

# The dashboard in a real Chromium (Debian's `chromium`; CI=true makes it required).
test-browser: $(STAMP) $(WEB_BUILT)
	$(PY) -m pytest tests/browser $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m deptry .
	$(VENV)/bin/lint-imports
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy .

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

bench: $(STAMP)
	$(PY) -m bench

schema: $(STAMP)
	$(PY) -m cli export-schema

migrate: $(STAMP)
	$(PY) -m cli migrate

seed: $(STAMP)
	$(PY) -m cli seed-if-empty

# Refresh the catalogues (i18n/locales/*/LC_MESSAGES/messages.po) from the code and templates
# (i18n/babel.cfg says where keys are used): a new key appears, empty, in every language; a key
# no longer used disappears. Then write its texts: tests/i18n fails while one is missing.
messages: $(STAMP)
	@pot=$$(mktemp) && \
	$(VENV)/bin/pybabel --quiet extract -F i18n/babel.cfg --sort-output --no-location --no-wrap \
		-o $$pot . && \
	$(VENV)/bin/pybabel --quiet update -i $$pot -d i18n/locales -D messages --no-wrap \
		--no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date; \
	status=$$?; rm -f $$pot; exit $$status

verify-ledger: $(STAMP)
	$(PY) -m cli verify-ledger

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache web/node_modules web/dist web/src/gql test-results

# Mercator: `make run` serves the API on http://localhost:5000, `make test` runs the tests.
# Each installs what it needs beyond Python 3.11+ (scripts/ensure-system-deps, with apt-get).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

SIZE ?= medium
#: The web catalog's built front-end files (npm ci + npm run build in web/).
WEB_ASSETS := app/web/static/vendor/cytoscape.min.js
#: npm's own semver package, the oracle of tests/test_semver_npm.py (npm ci in its folder).
SEMVER_ORACLE := tests/oracles/node-semver/node_modules/semver/package.json
#: Backstage's entity validators, the oracle tests/test_backstage.py checks exports with.
BACKSTAGE_ORACLE := tests/oracles/backstage/node_modules/.package-lock.json
#: Stoplight's Spectral, which tests/test_openapi_clients.py lints the OpenAPI document with.
SPECTRAL := tests/oracles/spectral/node_modules/.bin/spectral

.PHONY: run test install system-deps run-deps neo4j-start neo4j-stop neo4j-status lint bench clean

## run: install what running needs (Java, Maven, Graphviz, npm), then the project, start the
## local Neo4j, apply the schema, serve the API with gunicorn
run: run-deps install
	$(BIN)/mercator neo4j start
	$(BIN)/mercator db init
	$(BIN)/mercator serve --host $(HOST) --port $(PORT)

## test: install, then run the whole test suite against a real Neo4j
test: system-deps install
	$(BIN)/pytest $(PYTEST_ARGS)

## install: a virtualenv with Mercator and its test and lint tools (redone when pyproject changes),
## the web catalog's front-end libraries from npm (redone when web/package-lock.json changes),
## and the test oracles node-semver, @backstage/catalog-model and Spectral (tests/oracles/)
install: $(VENV)/.installed $(WEB_ASSETS) $(SEMVER_ORACLE) $(BACKSTAGE_ORACLE) $(SPECTRAL)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is needed") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(WEB_ASSETS): web/package-lock.json web/build.mjs
	@command -v npm >/dev/null || { echo "npm is needed to build the web catalog: scripts/ensure-system-deps installs it" >&2; exit 1; }
	cd web && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build
	touch $@

$(SEMVER_ORACLE): tests/oracles/node-semver/package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the semver oracle test: scripts/ensure-system-deps installs it" >&2; exit 1; }
	cd tests/oracles/node-semver && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(BACKSTAGE_ORACLE): tests/oracles/backstage/package-lock.json
	cd tests/oracles/backstage && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(SPECTRAL): tests/oracles/spectral/package-lock.json
	cd tests/oracles/spectral && npm ci --no-audit --no-fund --loglevel=error
	touch $@

## system-deps: Java, Maven, Graphviz, Node.js/npm, Chromium, docker-compose and PostgreSQL (installed with apt-get when missing),
## and helm (built with Go into .mercator/bin, once)
system-deps:
	scripts/ensure-system-deps

## run-deps: what `make run` needs of those: Java, Maven, Graphviz, Node.js/npm
run-deps:
	scripts/ensure-system-deps --run

neo4j-start: install
	$(BIN)/mercator neo4j start

neo4j-stop: install
	$(BIN)/mercator neo4j stop

neo4j-status: install
	$(BIN)/mercator neo4j status

## lint: ruff
lint: install
	$(BIN)/ruff check app tests

## bench: the whole benchmark at SIZE=small|medium|large|xlarge (see benchmarks/README.md): UNWIND
## floor and Mercator's import, SBOMs, PostgreSQL comparison, reports (API vs raw) with peak
## memory, registration; writes benchmarks/results/<date>-<size>.json and .md
BENCH_ARGS ?=
bench: install system-deps
	$(BIN)/python benchmarks/run.py --size $(SIZE) $(BENCH_ARGS)

## clean: stop the local servers and remove the virtualenv and local data
clean:
	-test -x $(BIN)/mercator && $(BIN)/mercator neo4j stop
	rm -rf $(VENV) .mercator .pytest_cache web/node_modules app/web/static/vendor \
		tests/oracles/node-semver/node_modules tests/oracles/spectral/node_modules

## load: mixed load on a running service (URL, SECONDS), every acknowledged write counted
## afterwards in its Neo4j (MERCATOR_NEO4J_* settings); JSON on stdout
URL ?= http://127.0.0.1:5000
SECONDS ?= 180
.PHONY: load
load: install
	$(BIN)/python benchmarks/load.py --url $(URL) --seconds $(SECONDS)

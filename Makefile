# c2c — the two commands a new user needs:
#   make run    the service on the embedded store with demo data (go run ./cmd/c2c serve)
#   make test   every check CI runs: gofmt, go vet, golangci-lint, and the race-enabled
#               tests against the embedded store and a real Neo4j this target starts.

GO            ?= go
GOLANGCI_LINT := $(GO) run github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
# A test Neo4j apart from a developer's own (port 7687): its own port and folder.
TEST_NEO4J_PORT ?= 17687
TEST_NEO4J_DIR  ?= $(CURDIR)/.neo4j/test
NEO4J           := tools/neo4j/neo4j.sh

EXPLORER_WEB  := internal/explorer/web

.PHONY: run test test-measured load-measured fuzz check fmt-check vet lint test-go test-reported clients-deps generate build neo4j-build neo4j-up neo4j-down bench bench-all explorer explorer-deps

run:
	$(GO) run ./cmd/c2c serve

build:
	$(GO) build -o bin/c2c ./cmd/c2c

generate:
	$(GO) generate ./graph/...

# Tests whose figures are worth reading in every run (the GraphQL-over-HTTP
# audit and client results, the hostile-request measurements): `make test`
# runs them apart, verbose, after the rest.
REPORTED_TESTS := ^(TestNodeClients|TestHostileRequests)$$
# Throughput measurements, run without the race detector (which slows the
# server ten times or more: with -race they skip).
LOAD_TESTS := ^TestFairShareUnderLoad$$

# Fuzz targets, each run for FUZZTIME by make fuzz (part of make test);
# their corpora are committed under each package's testdata/fuzz.
FUZZTIME ?= 8s
FUZZ_TARGETS := ./internal/server:FuzzDecodeBody ./internal/importer:FuzzParse \
	./internal/c2c:FuzzParsePartialDate ./internal/c2c:FuzzDecodeCursor

# Measurements that mean nothing under the race detector, run without it
# and verbose so their figures are read: an import beside a serving server,
# the heap of a streamed export.
MEASURED_TESTS := ^(TestImportBesideServingServer|TestExportMemory)$$

test: check neo4j-build explorer-deps clients-deps
	@NEO4J_PORT=$(TEST_NEO4J_PORT) NEO4J_DIR=$(TEST_NEO4J_DIR) $(NEO4J) up; \
	NEO4J_URI=bolt://127.0.0.1:$(TEST_NEO4J_PORT) $(GO) test -race -count=1 -timeout 45m -skip '$(REPORTED_TESTS)' ./...; rc=$$?; \
	NEO4J_PORT=$(TEST_NEO4J_PORT) NEO4J_DIR=$(TEST_NEO4J_DIR) $(NEO4J) down; \
	exit $$rc
	@$(MAKE) --no-print-directory test-reported
	@$(MAKE) --no-print-directory test-measured
	@$(MAKE) --no-print-directory fuzz

test-measured:
	$(GO) test -count=1 -timeout 10m -v -run '$(MEASURED_TESTS)' ./internal/importer ./internal/server

# Each fuzz target for FUZZTIME (go test fuzzes one target at a time).
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$name ($$pkg) for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

test-reported:
	$(GO) test -race -count=1 -timeout 10m -v -run '$(REPORTED_TESTS)' ./cmd/c2c ./internal/server
	$(GO) test -count=1 -timeout 5m -v -run '$(LOAD_TESTS)' ./internal/server

# The Node packages of the client tests, exactly as test/clients/package-lock.json
# pins them (from the npm registry; Node.js and npm come with the machine).
CLIENTS := test/clients
clients-deps: $(CLIENTS)/node_modules/.package-lock.json

$(CLIENTS)/node_modules/.package-lock.json: $(CLIENTS)/package.json $(CLIENTS)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd $(CLIENTS) && npm ci --no-audit --no-fund --loglevel=error --prefer-offline --fetch-timeout=60000 --fetch-retries=4; \
	elif [ -n "$$CI" ]; then \
		echo "npm not found: CI needs Node.js 20+ with npm for the GraphQL client tests" >&2; exit 1; \
	else \
		echo "npm not found: the GraphQL client tests will skip (install Node.js 20+ to run them)"; \
	fi

check: fmt-check vet lint

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

lint:
	$(GOLANGCI_LINT) run ./...

test-go:
	$(GO) test -race ./...

# The explorer's npm packages, pinned in its package-lock.json (installed
# without install scripts: the bundle is built by esbuild's Go API).
explorer-deps: $(EXPLORER_WEB)/node_modules/.c2c-installed

$(EXPLORER_WEB)/node_modules/.c2c-installed: $(EXPLORER_WEB)/package-lock.json
	cd $(EXPLORER_WEB) && npm ci --ignore-scripts --no-audit --no-fund --prefer-offline --fetch-timeout=60000 --fetch-retries=4
	touch $@

# explorer rebuilds internal/explorer/dist (commit the result); make test
# fails when dist is not the build of its sources.
explorer: explorer-deps
	$(GO) run ./internal/explorer/bundle

neo4j-build:
	$(NEO4J) build

neo4j-up:
	$(NEO4J) up

neo4j-down:
	$(NEO4J) down

# load-measured times the full load of the in-process graph (graphmem.Load)
# at SIZE on SQLite and on a Neo4j of its own (its folder keeps the
# imported graph for the next run); LOAD_PAGED=1 also times the paged load
# the scans replaced. See TestFullLoadMeasured.
LOAD_NEO4J_PORT ?= 17688
LOAD_NEO4J_DIR  ?= $(CURDIR)/.neo4j/load-$(SIZE)
load-measured: neo4j-build
	@NEO4J_PORT=$(LOAD_NEO4J_PORT) NEO4J_DIR=$(LOAD_NEO4J_DIR) NEO4J_PAGECACHE_MB=1024 NEO4J_HEAP="-Xms2g -Xmx2g" $(NEO4J) up; \
	LOAD_SIZE=$(SIZE) NEO4J_URI=bolt://127.0.0.1:$(LOAD_NEO4J_PORT) $(GO) test -count=1 -timeout 60m -v -run '^TestFullLoadMeasured$$' ./internal/graphmem/; rc=$$?; \
	NEO4J_PORT=$(LOAD_NEO4J_PORT) NEO4J_DIR=$(LOAD_NEO4J_DIR) $(NEO4J) down; \
	exit $$rc

# The benchmark harness: figures are reported, never asserted in tests.
# SIZE is XS (smoke), S, M or L; see bench/README.md.
SIZE ?= S
bench:
	bench/run.sh $(SIZE)

# bench-all runs S, M and L and writes how the target figures grow.
bench-all:
	bench/run-all.sh

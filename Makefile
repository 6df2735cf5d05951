# Huddle's two commands (README.md):
#   make run    build everything and start Huddle on the embedded store
#   make test   run every test
# Each installs what it needs on a fresh Debian machine of this kind.

SHELL := /bin/bash
GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
ADDR ?= :8080
# Where make run keeps the trainer's library (packs, kept sessions) across
# restarts: HUDDLE_DATA_DIR, unless the environment sets it (set it empty
# to keep them in memory only).
DATA_DIR ?= .huddle-data
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X huddle/server.Version=$(VERSION)
FUZZ_DECODE ?= 60000x
FUZZ_NOTICE ?= 120000x
FUZZ_ENCODE ?= 8000x

.PHONY: run build bench test test-go fuzz vet clean deps-test web web-deps test-web test-e2e deps-browser

# The web app (frontend/): TypeScript, Svelte 5 and Vite, built into
# frontend/dist and embedded in the binary. npm ci installs exactly
# frontend/package-lock.json; the build runs again when a source changed.
NPM ?= npm
WEB_SRC := $(shell find frontend/src -type f 2>/dev/null) frontend/index.html frontend/vite.config.ts frontend/svelte.config.js frontend/tsconfig.json
WEB_DEPS := frontend/node_modules/.installed
CHROMIUM ?= /usr/bin/chromium

# Run as root on these machines; use sudo elsewhere when it is there.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null && [ "$$(id -u)" != 0 ] && echo sudo)

## run: build the binary and start Huddle on the embedded store, its library kept in .huddle-data/; prints the URL
run: build
	HUDDLE_ADDR=$${HUDDLE_ADDR:-$(ADDR)} HUDDLE_DATA_DIR=$${HUDDLE_DATA_DIR-$(DATA_DIR)} ./bin/huddle serve

## build: the web app, then the huddle binary in bin/ (the app is embedded from frontend/dist)
build: web
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/huddle .

## web: build the web app into frontend/dist (installs its npm packages first)
web: frontend/dist/index.html

web-deps: $(WEB_DEPS)

$(WEB_DEPS): frontend/package.json frontend/package-lock.json
	@command -v $(NPM) >/dev/null || { echo "npm is needed to build the web app (Node 20 or later)"; exit 1; }
	cd frontend && $(NPM) ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend/dist/index.html: $(WEB_DEPS) $(WEB_SRC)
	cd frontend && $(NPM) run --silent build -- --logLevel warn

## test: every test, as CI runs it
test: deps-test vet test-go fuzz test-web test-e2e
	@echo "make test: all suites passed"

## deps-test: what the tests need beyond Go: redis-server (tests start their own)
deps-test:
	@command -v redis-server >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends redis-server; }

# staticcheck (pinned; go run fetches it through the module proxy once)
# finds what vet does not: unused code, deprecated calls, results never
# used. Its checks' defaults are the project's.
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './frontend/*')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

# The full log goes to test-artifacts/go-test.log; the terminal gets the
# package lines, failures, and a closing count.
test-go:
	@mkdir -p test-artifacts
	@$(GO) test -race -count=1 -timeout 15m -v ./... > test-artifacts/go-test.log 2>&1; status=$$?; \
	grep -E '^(ok|FAIL|--- FAIL|panic:)|^\s+\S+_test\.go:[0-9]+:' test-artifacts/go-test.log; \
	passed=$$(grep -cE '^\s*--- PASS' test-artifacts/go-test.log); \
	failed=$$(grep -cE '^\s*--- FAIL' test-artifacts/go-test.log); \
	echo "go test: $$passed passed, $$failed failed"; \
	exit $$status

## test-web: the web app's type check, its size budget, and the Vitest unit and component tests
test-web: web
	@mkdir -p test-artifacts
	@cd frontend && $(NPM) run --silent check -- --output machine > ../test-artifacts/svelte-check.log 2>&1 || { cat ../test-artifacts/svelte-check.log; exit 1; }
	@cd frontend && node scripts/size.mjs
	@cd frontend && $(NPM) exec -- vitest run --reporter=default --reporter=json --outputFile=../test-artifacts/vitest.json > ../test-artifacts/vitest.log 2>&1; status=$$?; \
	grep -E '✓|✗|×|FAIL|Error' ../test-artifacts/vitest.log | grep -v '^ *✓' | head -40; \
	node -e 'const r=require("../test-artifacts/vitest.json");console.log(`vitest: $${r.numPassedTests} passed, $${r.numFailedTests} failed`)' || tail -30 ../test-artifacts/vitest.log; \
	exit $$status

## deps-browser: Debian's chromium for the browser tests (never a downloaded browser)
deps-browser:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends chromium; }

## test-e2e: a whole workshop in headless chromium against a real huddle binary
test-e2e: build deps-browser
	@mkdir -p test-artifacts
	@# run.mjs walks a whole workshop; every other file beside it (but the
	@# shared harness) is a check of its own, run after it.
	cd frontend && st=0; for f in e2e/run.mjs $$(ls e2e/*.mjs | grep -v -e /run.mjs -e /harness.mjs); do \
	  echo "== $$f"; CHROMIUM=$(CHROMIUM) HUDDLE_BIN=../bin/huddle ARTIFACTS=../test-artifacts node $$f || st=1; done; exit $$st

## bench: run every performance target of docs/benchmarks.md on fresh nodes
## (embedded store, then Redis with two nodes; BENCH=embedded|redis|all,
## SCENARIOS="vote-10000 ..." for some); reports in test-artifacts/bench/
BENCH ?= all
bench: build deps-test
	GO=$(GO) server/loadgen/targets.sh $(BENCH) $(SCENARIOS)

## fuzz: run each fuzz target briefly, by a count of inputs (about 15 s
## each on a slow machine of the kind; FUZZ_DECODE=... FUZZ_NOTICE=...
## FUZZ_ENCODE=... for more). A count, not a duration: Go 1.26's fuzzer
## can fail a run whose -fuzztime deadline lands while a worker is
## mid-input ("context deadline exceeded", no failing input;
## go.dev/issue/75804, fixed in Go 1.27).
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzDecode -fuzztime=$(FUZZ_DECODE) ./server/
	$(GO) test -run='^$$' -fuzz=FuzzDecodeNotice -fuzztime=$(FUZZ_NOTICE) ./rooms/redisstore/
	$(GO) test -run='^$$' -fuzz=FuzzEncodeRoundTrip -fuzztime=$(FUZZ_ENCODE) ./exercises/packs/

clean:
	rm -rf bin frontend/node_modules
	find frontend/dist -mindepth 1 ! -name .keep -exec rm -rf {} + 2>/dev/null || true

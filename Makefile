# Huddle's two commands (README.md):
#   make run    build everything and start Huddle on the embedded store
#   make test   run every test
# Each installs what it needs on a fresh Debian machine of this kind.

SHELL := /bin/bash
GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
ADDR ?= :8080
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X huddle/server.Version=$(VERSION)
FUZZTIME ?= 15s

.PHONY: run build test test-go fuzz vet clean deps-test

# Run as root on these machines; use sudo elsewhere when it is there.
SUDO := $(shell [ "$$(id -u)" = 0 ] || command -v sudo >/dev/null && [ "$$(id -u)" != 0 ] && echo sudo)

## run: build the binary and start Huddle on the embedded store; prints the URL
run: build
	HUDDLE_ADDR=$${HUDDLE_ADDR:-$(ADDR)} ./bin/huddle serve

## build: the huddle binary in bin/ (the web app is embedded from frontend/dist)
build:
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/huddle .

## test: every test, as CI runs it
test: deps-test vet test-go fuzz
	@echo "make test: all suites passed"

## deps-test: what the tests need beyond Go: redis-server (tests start their own)
deps-test:
	@command -v redis-server >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends redis-server; }

vet:
	$(GO) vet ./...

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

## fuzz: run each fuzz target briefly (FUZZTIME=15s)
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzDecode -fuzztime=$(FUZZTIME) ./server/

clean:
	rm -rf bin

# nativechain: `make` (or `make help`) lists the targets.

SHELL       := /bin/bash
.SHELLFLAGS := -euo pipefail -c

BINARY      := nativechaind
BUILDDIR    ?= $(CURDIR)/build
BIN         := $(BUILDDIR)/$(BINARY)
GO          ?= go

VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT      ?= $(shell git rev-parse --verify -q HEAD 2>/dev/null)
VERSION_PKG := github.com/cosmos/cosmos-sdk/version
LDFLAGS     := -X $(VERSION_PKG).Name=nativechain \
               -X $(VERSION_PKG).AppName=$(BINARY) \
               -X $(VERSION_PKG).Version=$(VERSION) \
               -X $(VERSION_PKG).Commit=$(COMMIT)
# Version and commit are stamped through ldflags above; VCS stamping would
# only fail in a checkout without commits.
BUILD_FLAGS := -buildvcs=false -ldflags '$(LDFLAGS)'

# Every package of the module except generated scratch under build/ (which
# `./...` would include: Go skips only dot, underscore and testdata folders).
PACKAGES = $(shell $(GO) list ./... | grep -v '/build/')
# go vet skips the generated pulsar code in api/ (it has unreachable code by
# construction); gofmt still covers it.
VET_PACKAGES = $(shell $(GO) list ./... | grep -v -e '/build/' -e '/api/')

UNIT_TIMEOUT   ?= 30m
SYSTEM_TIMEOUT ?= 25m
LONG_TIMEOUT   ?= 60m
# Time per fuzz target in `make fuzz` and `make test-long`.
FUZZTIME       ?= 30s
BENCH_COUNT    ?= 5
# make bench: tree depth of the proving comparison (16 slots, against gnark's
# bare prove); batch size of the operator run, the devnet's (its depth is the
# devnet's, 8) and the transfers of its backlog; the fleet scaling backlog
# (batches of depth x slots, 1 then 2 worker processes at GOMAXPROCS=1).
BENCH_PROVE_DEPTH    ?= 24
BENCH_OPERATOR_SLOTS ?= 4
BENCH_BACKLOG        ?= 256
BENCH_SCALE_DEPTH    ?= 8
BENCH_SCALE_SLOTS    ?= 16
BENCH_SCALE_JOBS     ?= 8
BENCH_FLAGS = -prove-depth $(BENCH_PROVE_DEPTH) -operator-slots $(BENCH_OPERATOR_SLOTS) -backlog $(BENCH_BACKLOG) \
	-scale-depth $(BENCH_SCALE_DEPTH) -scale-slots $(BENCH_SCALE_SLOTS) -scale-jobs $(BENCH_SCALE_JOBS)
# benchstat, pinned; used when tools/go.mod does not pin it itself.
BENCHSTAT_VERSION ?= v0.0.0-20260908200009-22c9c6c9d4da

.DEFAULT_GOAL := help
.PHONY: help build install test test-unit test-system test-long bench lint \
        fuzz proto-gen devnet localnet localnet-stop clean

help: ## List the targets
	@echo "nativechain make targets:"
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk 'BEGIN { FS = ":.*## " } { printf "  %-14s %s\n", $$1, $$2 }'

build: ## Build build/nativechaind (version stamped from git)
	@mkdir -p $(BUILDDIR)
	$(GO) build $(BUILD_FLAGS) -o $(BIN) ./cmd/$(BINARY)

install: ## Install nativechaind into the Go bin directory (go env GOPATH)/bin
	$(GO) install $(BUILD_FLAGS) ./cmd/$(BINARY)

test: test-unit test-system ## Unit and integration tests, then system tests on the built binary

test-unit: ## go test ./..., the development circuit's tests included (no system tests)
	$(GO) test -timeout $(UNIT_TIMEOUT) $(PACKAGES)

test-system: build ## System tests: tests/system against build/nativechaind
	NATIVECHAIND_BIN=$(BIN) $(GO) test -tags system -count=1 -timeout $(SYSTEM_TIMEOUT) ./tests/system/...

test-long: build ## Everything, including tests behind the `long` build tag, then every fuzz target for FUZZTIME
	NATIVECHAIND_BIN=$(BIN) $(GO) test -tags 'system long' -count=1 -timeout $(LONG_TIMEOUT) $(PACKAGES)
	FUZZTIME=$(FUZZTIME) GO=$(GO) bash scripts/fuzz.sh

fuzz: ## Every fuzz target (scripts/fuzz.sh) for FUZZTIME each (default 30s)
	FUZZTIME=$(FUZZTIME) GO=$(GO) bash scripts/fuzz.sh

bench: build ## One measuring pass (about an hour on 2 cores): raw output in build/bench/, generated section of docs/PERFORMANCE.md
	$(GO) run ./scripts/benchreport -dir $(BUILDDIR)/bench -bin $(BIN) -count $(BENCH_COUNT) $(BENCH_FLAGS)
	@# benchstat summaries of the repeated benchmarks (optional: needs the Go proxy once).
	@for f in keeper verifier; do \
		if [ -f tools/go.mod ] && grep -q 'golang.org/x/perf' tools/go.mod; then \
			$(GO) -C tools tool benchstat $(BUILDDIR)/bench/$$f.txt; \
		else \
			$(GO) run golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION) $(BUILDDIR)/bench/$$f.txt; \
		fi; \
	done > $(BUILDDIR)/bench/benchstat.txt 2>&1 && cat $(BUILDDIR)/bench/benchstat.txt || \
		echo "benchstat unavailable: raw output is in $(BUILDDIR)/bench/"

.PHONY: bench-report
bench-report: ## Re-render docs/PERFORMANCE.md's generated section from build/bench/ without measuring
	$(GO) run ./scripts/benchreport -render-only -dir $(BUILDDIR)/bench -bin $(BIN) -count $(BENCH_COUNT) $(BENCH_FLAGS)

lint: ## gofmt must list nothing; go vet (also with the system/long tags; not the generated api/); determinism lint of x/
	@files=$$(find . -name '*.go' -not -path './build/*' -not -path './.git/*' \
		-not -path './.devnet/*' -not -path './.localnet/*' | xargs gofmt -l); \
	if [ -n "$$files" ]; then echo "gofmt needed on:"; echo "$$files"; exit 1; fi
	$(GO) vet $(VET_PACKAGES)
	$(GO) vet -tags 'system long' ./tests/...
	@# The GPU worker backend (build tag icicle): type-checked with cgo, no CUDA needed.
	CGO_ENABLED=1 $(GO) vet -tags icicle ./prover/fleet/
	bash scripts/determinism-lint.sh

proto-gen: ## Regenerate Go from proto/ (scripts/protocgen.sh)
	bash scripts/protocgen.sh

devnet: ## Fresh chain in ./.devnet with four demo rollups (payments in unat, unat, uusdc; an exchange unat/uusdc), their operators and a scripted demo (DEVNET_ROLLUPS=0: chain only)
	DEVNET_ROLLUPS=$${DEVNET_ROLLUPS:-1} bash scripts/devnet.sh

localnet: ## LOCALNET_N validators (default 4) on loopback in ./.localnet, in the background
	LOCALNET_N=$(or $(LOCALNET_N),4) bash scripts/localnet.sh start

localnet-stop: ## Stop the localnet nodes
	bash scripts/localnet.sh stop

clean: ## Remove build/, .devnet/ and .localnet/ (stops the localnet first)
	@if [ -d .localnet ]; then bash scripts/localnet.sh stop; fi
	@if [ -f .devnet/nativechaind.pid ]; then bash scripts/devnet.sh stop; fi
	rm -rf $(BUILDDIR) .devnet .localnet

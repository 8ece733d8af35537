# concertd — the front door. `make run` and `make test` are all a new machine needs.
SWIFT ?= swift
# Test suites must never hang CI: each run is bounded, and together they stay under 20 minutes.
TEST_TIMEOUT ?= 720
E2E_TIMEOUT ?= 480

.PHONY: all deps deps-test build release run test e2e clean

all: build

deps:
	@scripts/ensure-deps.sh run

deps-test:
	@scripts/ensure-deps.sh test

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Runs the daemon in the foreground with its embedded defaults: the database in
# $XDG_STATE_HOME/concertd (~/.local/state/concertd), the control socket in
# $XDG_RUNTIME_DIR/concertd (/tmp/concertd-$UID when unset), the shipped catalog.
run: deps
	$(SWIFT) build --product concertd
	$$($(SWIFT) build --show-bin-path)/concertd --catalog etc/concertd/concerts.json5 $(ARGS)

# The whole test suite: unit tests and the end-to-end tests of the real binaries.
# Serially: on 2 cores Swift's cooperative pool has 2 threads, and tests that wait on a Python
# peer would starve the control server's request tasks in a parallel run.
test: deps-test
	timeout $(TEST_TIMEOUT) $(SWIFT) test --no-parallel
	@$(MAKE) --no-print-directory e2e

# The end-to-end scenarios (Tests/EndToEnd, pytest): the debug binaries (already built by
# `swift test`) against real SMTP and HTTP peers on 127.0.0.1. Ends with `N passed, N failed`.
e2e: deps-test
	timeout $(E2E_TIMEOUT) $(SWIFT) build
	bin="$$($(SWIFT) build --show-bin-path)" && cd Tests/EndToEnd && \
		CONCERTD_BIN_DIR="$$bin" PYTHONDONTWRITEBYTECODE=1 timeout $(E2E_TIMEOUT) python3 -m pytest -v

clean:
	rm -rf .build

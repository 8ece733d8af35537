# concertd — the front door. `make run` and `make test` are all a new machine needs.
SWIFT ?= swift
# Test suites must never hang CI: each run is bounded, and together they stay under 20 minutes.
# The build (cold in CI: minutes on two cores) and the unit tests each have their own bound, so that
# a slow build cannot eat the tests' time and a hung test still stops the run.
BUILD_TIMEOUT ?= 2400
TEST_TIMEOUT ?= 720
E2E_TIMEOUT ?= 720

.PHONY: bench fuzz service-test all deps deps-test deps-bench build release run test e2e clean install install-build uninstall \
	install-files

all: build

deps:
	@scripts/ensure-deps.sh run

deps-test:
	@scripts/ensure-deps.sh test

deps-bench:
	@scripts/ensure-deps.sh bench

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

# Runs the daemon in the foreground with its embedded defaults (the shipped, all-commented
# etc/concertd/concertd.conf, not /etc/concertd/concertd.conf of an installed service): the database in
# $XDG_STATE_HOME/concertd (~/.local/state/concertd), the control socket in
# $XDG_RUNTIME_DIR/concertd (/tmp/concertd-$UID when unset), the shipped catalog.
# The web front door is on at 127.0.0.1:8080 (WEB_LISTEN= turns it off); the control socket is
# in $XDG_RUNTIME_DIR/concertd, where concertctl finds it from the checkout.
WEB_LISTEN ?= 127.0.0.1:8080
run: deps
	$(SWIFT) build --product concertd
	$(SWIFT) build --product concertctl
	@bin="$$($(SWIFT) build --show-bin-path)"; \
	if [ -n "$(WEB_LISTEN)" ]; then echo "web front door: http://$(WEB_LISTEN)/"; fi; \
	echo "control it from another terminal: $$bin/concertctl status   (or: swift run concertctl status)"
	$$($(SWIFT) build --show-bin-path)/concertd --config etc/concertd/concertd.conf \
		--catalog etc/concertd/concerts.json5 $(if $(WEB_LISTEN),--web-listen $(WEB_LISTEN)) $(ARGS)

# The whole test suite: unit tests and the end-to-end tests of the real binaries.
# Serially: on 2 cores Swift's cooperative pool has 2 threads, and tests that wait on a Python
# peer would starve the control server's request tasks in a parallel run.
test: deps-test
	timeout $(BUILD_TIMEOUT) $(SWIFT) build --build-tests
	timeout $(TEST_TIMEOUT) $(SWIFT) test --no-parallel --skip-build
	@$(MAKE) --no-print-directory e2e
	@$(MAKE) --no-print-directory service-test

# The install and service tests (Tests/Service): make install into temporary DESTDIRs, the
# installed daemon under a real NOTIFY_SOCKET, systemd-analyze on the unit. They install the
# debug binaries `swift test` already built (SERVICE_TEST_SWIFT_FLAGS) rather than spend minutes on
# a release build: what they check is the tree, the unit and the daemon's behaviour.
SERVICE_TEST_SWIFT_FLAGS ?=
service-test: deps-test
	cd Tests/Service && INSTALL_SWIFT_FLAGS="$(SERVICE_TEST_SWIFT_FLAGS)" PYTHONDONTWRITEBYTECODE=1 \
		timeout $(E2E_TIMEOUT) python3 -m pytest -q

# The end-to-end scenarios (Tests/EndToEnd, pytest): the debug binaries (already built by
# `swift test`) against real SMTP and HTTP peers on 127.0.0.1, two scenarios at a time (the ones
# marked `solo`, which check timing to the second, alone). Ends with `N passed, N failed`.
E2E_WORKERS ?= 2
e2e: deps-test
	timeout $(E2E_TIMEOUT) $(SWIFT) build
	bin="$$($(SWIFT) build --show-bin-path)" && cd Tests/EndToEnd && \
		CONCERTD_BIN_DIR="$$bin" PYTHONDONTWRITEBYTECODE=1 timeout $(E2E_TIMEOUT) python3 -m pytest -v -n $(E2E_WORKERS)

clean:
	rm -rf .build

# ---------------------------------------------------------------------------------------------
# make install / make uninstall — see docs/service.md.
#
# PREFIX is /usr/local: what `make install` from a checkout puts on a Debian system stays out of
# dpkg's /usr. systemd, systemd-sysusers, bash-completion, zsh, fish and man all look under
# /usr/local too. A package build passes PREFIX=/usr DESTDIR=debian/tmp.
# Configuration always goes to /etc/concertd: the unit's ConfigurationDirectory= is under /etc.
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
# The daemon is started by systemd and run by administrators only (check-config): sbin, like
# chronyd and sshd. concertctl is for every member of the control group: bin.
SBINDIR ?= $(PREFIX)/sbin
SYSCONFDIR ?= /etc
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
SYSTEMD_UNIT_DIR ?= $(PREFIX)/lib/systemd/system
SYSUSERS_DIR ?= $(PREFIX)/lib/sysusers.d
BASH_COMPLETION_DIR ?= $(DATADIR)/bash-completion/completions
# Debian's zsh searches /usr/local/share/zsh/site-functions and, for packages,
# /usr/share/zsh/vendor-completions (there is no /usr/share/zsh/site-functions in its fpath).
ZSH_COMPLETION_DIR ?= $(if $(filter /usr,$(PREFIX)),$(DATADIR)/zsh/vendor-completions,$(DATADIR)/zsh/site-functions)
FISH_COMPLETION_DIR ?= $(DATADIR)/fish/vendor_completions.d
# A copy of the configuration as shipped: how the next install and uninstall tell an edited file.
CONFIG_DIST_DIR ?= $(DATADIR)/concertd/dist
# The Swift runtime is linked in, so the installed binaries need only Debian's libcurl4 and
# libsqlite3-0 (and concertd libpq5), not the toolchain that built them.
INSTALL_SWIFT_FLAGS ?= -c release --static-swift-stdlib
# NO_BUILD=1 installs what `make install-build` built earlier (build as yourself, install as root).
NO_BUILD ?=
# What is installed from this tree: configuration, catalog and templates (every file of
# CONFIG_SRC), and the files of INSTALL_FILES. The completions and man pages are generated by
# scripts/generate-cli-docs.sh from the command definitions and committed.
CONFIG_SRC ?= etc/concertd
COMPLETIONS_SRC ?= share/completions
MAN_SRC ?= share/man
# The files `make install` copies as they are, SOURCE=DESTINATION, mode 0644, and `make
# uninstall` removes. Every SOURCE must exist: a missing one fails the install before it copies
# anything. `make install-files` prints the list (Tests/Service/test_install.py reads it).
INSTALL_FILES = \
	systemd/concertd.sysusers=$(SYSUSERS_DIR)/concertd.conf \
	systemd/concertd.service.d/smtp-password.conf.example=$(DATADIR)/doc/concertd/smtp-password.conf.example \
	docs/service.md=$(DATADIR)/doc/concertd/service.md \
	$(COMPLETIONS_SRC)/concertctl.bash=$(BASH_COMPLETION_DIR)/concertctl \
	$(COMPLETIONS_SRC)/_concertctl=$(ZSH_COMPLETION_DIR)/_concertctl \
	$(COMPLETIONS_SRC)/concertctl.fish=$(FISH_COMPLETION_DIR)/concertctl.fish \
	$(MAN_SRC)/man1/concertctl.1=$(MANDIR)/man1/concertctl.1 \
	$(MAN_SRC)/man8/concertd.8=$(MANDIR)/man8/concertd.8

install-files:
	@printf '%s\n' $(INSTALL_FILES)

install-build: deps
	$(SWIFT) build $(INSTALL_SWIFT_FLAGS) --product concertd
	$(SWIFT) build $(INSTALL_SWIFT_FLAGS) --product concertctl

install: $(if $(NO_BUILD),,install-build)
	@set -e; \
	bin=$$($(SWIFT) build $(INSTALL_SWIFT_FLAGS) --show-bin-path); \
	for f in "$$bin/concertd" "$$bin/concertctl"; do \
	    [ -x "$$f" ] || { echo "$$f is missing: run make install-build first" >&2; exit 1; }; \
	done; \
	for pair in $(INSTALL_FILES); do \
	    [ -f "$${pair%%=*}" ] || { echo "$${pair%%=*} is missing from the tree: nothing was installed" >&2; exit 1; }; \
	done; \
	echo "concertd: installing into $(DESTDIR)$(PREFIX) (configuration in $(DESTDIR)$(SYSCONFDIR)/concertd)"; \
	inst() { mode=$$1; src=$$2; dest=$(DESTDIR)$$3; install -D -m "$$mode" "$$src" "$$dest"; printf '  %-9s %s\n' install "$$dest"; }; \
	inst 0755 "$$bin/concertd" $(SBINDIR)/concertd; \
	inst 0755 "$$bin/concertctl" $(BINDIR)/concertctl; \
	tmp=$$(mktemp); trap 'rm -f "$$tmp"' EXIT; \
	sed -e 's|/usr/sbin/concertd|$(SBINDIR)/concertd|g' -e 's|/etc/concertd/|$(SYSCONFDIR)/concertd/|g' \
	    systemd/concertd.service > "$$tmp"; \
	inst 0644 "$$tmp" $(SYSTEMD_UNIT_DIR)/concertd.service; \
	for pair in $(INSTALL_FILES); do inst 0644 "$${pair%%=*}" "$${pair#*=}"; done; \
	scripts/install-config.sh install $(CONFIG_SRC) $(DESTDIR)$(SYSCONFDIR)/concertd $(DESTDIR)$(CONFIG_DIST_DIR); \
	if [ -z "$(DESTDIR)" ]; then \
	    if command -v systemd-sysusers >/dev/null; then \
	        echo "  sysusers  $(SYSUSERS_DIR)/concertd.conf (user concertd, group concertd-control)"; \
	        systemd-sysusers $(SYSUSERS_DIR)/concertd.conf; \
	    fi; \
	    if [ -d /run/systemd/system ]; then echo "  systemctl daemon-reload"; systemctl daemon-reload; fi; \
	    echo "next: systemctl enable --now concertd   (after editing $(SYSCONFDIR)/concertd/concertd.conf)"; \
	fi

uninstall:
	@set -e; \
	echo "concertd: removing from $(DESTDIR)$(PREFIX); the state in /var/lib/concertd, edited configuration, the user and groups stay"; \
	if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ] && systemctl -q is-active concertd 2>/dev/null; then \
	    echo "  warning   concertd is running: stop it with systemctl disable --now concertd" >&2; \
	fi; \
	rm_file() { dest=$(DESTDIR)$$1; if [ -e "$$dest" ] || [ -L "$$dest" ]; then rm -f "$$dest"; printf '  %-9s %s\n' remove "$$dest"; fi; }; \
	rm_file $(SBINDIR)/concertd; \
	rm_file $(BINDIR)/concertctl; \
	rm_file $(SYSTEMD_UNIT_DIR)/concertd.service; \
	for pair in $(INSTALL_FILES); do rm_file "$${pair#*=}"; done; \
	rmdir $(DESTDIR)$(DATADIR)/doc/concertd 2>/dev/null || true; \
	scripts/install-config.sh uninstall $(DESTDIR)$(SYSCONFDIR)/concertd $(DESTDIR)$(CONFIG_DIST_DIR); \
	rmdir $(DESTDIR)$(DATADIR)/concertd 2>/dev/null || true; \
	if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then echo "  systemctl daemon-reload"; systemctl daemon-reload; fi

# Coverage-guided fuzzing with libFuzzer of the control-socket decoder and of the configuration and
# catalog loaders, for FUZZ_SECONDS each. Every module is instrumented (ASan, inline 8-bit
# counters); libFuzzer's runtime without its main is linked, the drivers in Fuzz/ hand it the
# command line. New inputs go to Fuzz/Corpus/TARGET (commit the interesting ones: the corpus is
# replayed by `make test`); a crash stops the run and leaves crash-* in Fuzz/Crashes/TARGET — add
# it to the corpus once fixed.
FUZZ_SECONDS ?= 60
FUZZ_RUNTIME = $(firstword $(wildcard $(dir $(shell readlink -f $$(command -v $(SWIFT))))../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a))
FUZZ_FLAGS = --scratch-path .build-fuzz -Xswiftc -sanitize=address \
	-Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp -Xlinker $(FUZZ_RUNTIME) -Xlinker -lstdc++
fuzz: deps
	@test -n "$(FUZZ_RUNTIME)" || { echo "libFuzzer's runtime (libclang_rt.fuzzer_no_main) is not in this toolchain" >&2; exit 1; }
	CONCERTD_FUZZ=1 $(SWIFT) build $(FUZZ_FLAGS) --product FuzzControl
	CONCERTD_FUZZ=1 $(SWIFT) build $(FUZZ_FLAGS) --product FuzzLoaders
	@bin=$$(CONCERTD_FUZZ=1 $(SWIFT) build --scratch-path .build-fuzz --show-bin-path); \
	for target in control loaders; do \
	    driver=$$bin/Fuzz$$(echo $$target | sed 's/^./\U&/'); \
	    mkdir -p Fuzz/Crashes/$$target .build-fuzz/new-$$target; \
	    echo "fuzzing $$target for $(FUZZ_SECONDS) s"; \
	    $$driver -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	        -artifact_prefix=Fuzz/Crashes/$$target/ .build-fuzz/new-$$target Fuzz/Corpus/$$target || exit 1; \
	done

# Benchmarks of issue 10 (not run by CI): starts its own nginx and smtp-sink on 127.0.0.1, builds
# release binaries, prints one line per figure and writes them into BENCHMARKS.md.
# `make bench BENCH_ARGS=--quick` for smaller sizes; `--only fanout,timer` for some scenarios.
bench: deps-bench
	python3 Benchmarks/run.py $(BENCH_ARGS)

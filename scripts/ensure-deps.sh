#!/usr/bin/env bash
# Installs (as root) or names (otherwise) what `make run` and `make test` need on Debian 12.
#   scripts/ensure-deps.sh run    build and run: libcurl, libcrypto (OpenSSL), libpq and SQLite headers, pkg-config
#   scripts/ensure-deps.sh test   the above, plus the Python test peers (aiosmtpd, standardwebhooks, icalendar,
#                                 prometheus_client) and pytest with pytest-xdist, which run the end-to-end suite; Debian's
#                                 prometheus for promtool (checks a scrape and docs/prometheus/concertd-rules.yml);
#                                 as root also Exim (exim4-daemon-light), the real MTA of
#                                 Tests/EndToEnd/test_10_real_mta.py. Neither Prometheus nor Exim is started
#                                 by the install or enabled at boot: the tests run their own processes.
#                                 The browser scenario (Tests/EndToEnd/test_14_web.py): Debian's chromium,
#                                 chromium-driver and a Korean font (fonts-nanum) as root, and selenium and
#                                 listunsub from PyPI; without them that scenario is skipped and says why.
#                                 PostgreSQL 15's server (postgresql-15), whose initdb and postgres the store
#                                 tests run as their own throwaway cluster (Tests/EndToEnd/harness/postgres.py);
#                                 the package's service is neither started nor enabled.
#   scripts/ensure-deps.sh bench  the run dependencies, plus wrk (the web front door's load generator) and
#                                 postgresql-15 (the PostgreSQL scenario's throwaway cluster)
set -euo pipefail
mode=${1:-run}

# Installs Debian packages whose maintainer scripts would start a system service (Exim, Prometheus)
# without starting it: `policy-rc.d` denies every start while apt runs, where no policy is in place
# already (Debian's container images ship one that does the same). Then the service is disabled at
# boot (its init script's links become K links, and its systemd unit is disabled) and, under a
# running systemd, stopped. Without the policy and without systemd, prometheus' postinst would start
# /etc/init.d/prometheus (a server on :9090) and fail the install if that start failed.
install_without_services() {
    local service=$1
    shift
    local policy_written=
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\n# concertd scripts/ensure-deps.sh: no service starts while %s is installed\nexit 101\n' \
            "$service" > /usr/sbin/policy-rc.d
        chmod 0755 /usr/sbin/policy-rc.d
        policy_written=1
        trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    fi
    apt_locked update -qq
    apt_locked install -y -qq --no-install-recommends "$@" >/dev/null
    if [ -n "$policy_written" ]; then
        rm -f /usr/sbin/policy-rc.d
        trap - EXIT
    fi
    update-rc.d "$service" disable >/dev/null 2>&1 || true
    # `systemctl disable` works on the unit files without a running systemd (a container) too.
    if command -v systemctl >/dev/null 2>&1; then systemctl disable "$service" >/dev/null 2>&1 || true; fi
    if [ -d /run/systemd/system ]; then systemctl stop "$service" >/dev/null 2>&1 || true; fi
}

# apt-get waits for another apt or dpkg run (up to 10 minutes) rather than failing at once; where
# several checkouts on one machine run this script together, they also take turns on APT_LOCK.
APT_LOCK=${APT_LOCK:-/tmp/apt.lock}
apt_locked() {
    if command -v flock >/dev/null 2>&1; then
        DEBIAN_FRONTEND=noninteractive flock "$APT_LOCK" apt-get -o DPkg::Lock::Timeout=600 "$@"
    else
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"
    fi
}

missing_apt=()
pkg-config --version >/dev/null 2>&1 || missing_apt+=(pkg-config)
pkg-config --exists libcurl 2>/dev/null || missing_apt+=(libcurl4-openssl-dev)
pkg-config --exists libcrypto 2>/dev/null || missing_apt+=(libssl-dev)
[ -f /usr/include/sqlite3.h ] || missing_apt+=(libsqlite3-dev)
pkg-config --exists libpq 2>/dev/null || missing_apt+=(libpq-dev)
if [ "$mode" = test ]; then
    command -v python3 >/dev/null 2>&1 || missing_apt+=(python3 python3-pip)
    # systemd-analyze and systemd-sysusers for the service checks; no running systemd is needed.
    command -v systemd-analyze >/dev/null 2>&1 || missing_apt+=(systemd)
fi

if [ ${#missing_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing: ${missing_apt[*]}" >&2
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing_apt[@]}" >/dev/null
    else
        echo "concertd needs these Debian packages: ${missing_apt[*]}" >&2
        echo "install them with:  sudo apt-get install ${missing_apt[*]}" >&2
        exit 1
    fi
fi

if [ "$mode" = test ]; then
    pip_packages=(aiosmtpd standardwebhooks icalendar prometheus_client pytest pytest-xdist selenium listunsub)
    missing_pip=()
    python3 -c 'import aiosmtpd' 2>/dev/null || missing_pip+=(aiosmtpd)
    python3 -c 'import standardwebhooks' 2>/dev/null || missing_pip+=(standardwebhooks)
    python3 -c 'import icalendar' 2>/dev/null || missing_pip+=(icalendar)
    python3 -c 'import prometheus_client' 2>/dev/null || missing_pip+=(prometheus_client)
    python3 -c 'import pytest' 2>/dev/null || missing_pip+=(pytest)
    # Two scenarios at a time (make e2e).
    python3 -c 'import xdist' 2>/dev/null || missing_pip+=(pytest-xdist)
    # The browser scenario: Selenium drives Debian's chromium through Debian's chromedriver, both
    # named explicitly, so its own manager downloads no browser; listunsub reads the reminders'
    # List-Unsubscribe headers as a mail client does (RFC 2369, RFC 8058).
    python3 -c 'import selenium' 2>/dev/null || missing_pip+=(selenium)
    python3 -c 'import listunsub' 2>/dev/null || missing_pip+=(listunsub)
    if [ ${#missing_pip[@]} -gt 0 ]; then
        echo "installing Python test peers: ${missing_pip[*]}" >&2
        if ! python3 -m pip install -q "${missing_pip[@]}" 2>/dev/null; then
            python3 -m pip install -q --break-system-packages "${missing_pip[@]}" || {
                echo "could not install ${pip_packages[*]}; install them with: python3 -m pip install ${missing_pip[*]}" >&2
                exit 1
            }
        fi
    fi
fi

# Exim as the test's own smarthost (Tests/EndToEnd/harness/exim.py), never as this machine's MTA:
# the package is installed with service starts denied (policy-rc.d), and its init script is disabled,
# so nothing listens on port 25 because of it. It is skipped where another MTA is installed (apt
# would remove it) and when not root (the scenario needs root anyway, and says so when skipped).
if [ "$mode" = test ] && ! command -v exim4 >/dev/null 2>&1 && [ ! -x /usr/sbin/exim4 ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "note: the real-MTA scenario needs Exim and root; it is skipped in this run (install with: sudo apt-get install exim4-daemon-light, then run sudo make test)" >&2
    else
        other_mta=$(dpkg-query -W -f='${Status}|${Package}|${Provides}\n' 2>/dev/null |
            awk -F'|' '$1 == "install ok installed" && $3 ~ /mail-transport-agent/ { print $2 }' | head -n 1)
        if [ -n "$other_mta" ]; then
            echo "note: $other_mta is this machine's MTA and exim4-daemon-light would replace it: the real-MTA scenario is skipped" >&2
        else
            echo "installing Exim for the real-MTA test (its service is neither started nor enabled): exim4-daemon-light" >&2
            install_without_services exim4 exim4-daemon-light
        fi
    fi
fi

# PostgreSQL 15's server binaries for the store tests' throwaway clusters (initdb into a temporary
# folder, postgres on a free 127.0.0.1 port, as the package's postgres user when root). The
# package's own cluster "main" (which its install makes) is not used: the service is neither started
# nor enabled, so nothing listens on 5432 because of it.
if { [ "$mode" = test ] || [ "$mode" = bench ]; } && [ ! -x /usr/lib/postgresql/15/bin/initdb ]; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "concertd's store tests and benchmarks need PostgreSQL 15: sudo apt-get install --no-install-recommends postgresql-15 postgresql-client-15" >&2
        exit 1
    fi
    echo "installing PostgreSQL 15 for the store tests and benchmarks (its service is neither started nor enabled): postgresql-15" >&2
    install_without_services postgresql postgresql-15 postgresql-client-15
fi

# promtool, from Debian's prometheus package (96 MB installed, without its recommended node
# exporter): the metrics test runs `promtool check metrics` on a scrape and `promtool check rules`
# on docs/prometheus/concertd-rules.yml. Its Prometheus server is neither started nor enabled.
if [ "$mode" = test ] && ! command -v promtool >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "concertd's tests need promtool: sudo apt-get install --no-install-recommends prometheus" >&2
        echo "(Debian starts and enables its Prometheus server; sudo systemctl disable --now prometheus stops it)" >&2
        exit 1
    fi
    echo "installing promtool (its Prometheus server is neither started nor enabled): prometheus" >&2
    install_without_services prometheus prometheus
fi

# The browser scenario's Chromium and its WebDriver, from Debian (about 130 MB to download), and a
# Korean font so the pages' Korean text is readable in its screenshots. Without recommends: the
# headless browser needs no desktop services. Not root: the scenario is skipped and says so.
if [ "$mode" = test ]; then
    missing_browser=()
    [ -x /usr/bin/chromium ] || missing_browser+=(chromium)
    [ -x /usr/bin/chromedriver ] || missing_browser+=(chromium-driver)
    command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=ko family 2>/dev/null)" ] || missing_browser+=(fonts-nanum)
    if [ ${#missing_browser[@]} -gt 0 ]; then
        if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
            echo "note: the browser scenario needs ${missing_browser[*]}; it is skipped in this run (install with: sudo apt-get install --no-install-recommends ${missing_browser[*]})" >&2
        else
            echo "installing the browser scenario's Chromium: ${missing_browser[*]}" >&2
            apt_locked update -qq
            apt_locked install -y -qq --no-install-recommends "${missing_browser[@]}" >/dev/null
        fi
    fi
fi

# wrk, the load generator of the web front door's benchmark (Benchmarks/web_bench.py).
if [ "$mode" = bench ] && ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "note: the web benchmark needs wrk; it is skipped (install with: sudo apt-get install wrk)" >&2
    else
        echo "installing the web benchmark's load generator: wrk" >&2
        apt_locked update -qq
        apt_locked install -y -qq --no-install-recommends wrk >/dev/null
    fi
fi

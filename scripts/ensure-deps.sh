#!/usr/bin/env bash
# Installs (as root) or names (otherwise) what `make run` and `make test` need on Debian 12.
#   scripts/ensure-deps.sh run    build and run: libcurl, libcrypto (OpenSSL) and SQLite headers, pkg-config
#   scripts/ensure-deps.sh test   the above, plus the Python test peers (aiosmtpd, standardwebhooks, icalendar)
#                                 and pytest, which runs the end-to-end suite
set -euo pipefail
mode=${1:-run}

missing_apt=()
pkg-config --version >/dev/null 2>&1 || missing_apt+=(pkg-config)
pkg-config --exists libcurl 2>/dev/null || missing_apt+=(libcurl4-openssl-dev)
pkg-config --exists libcrypto 2>/dev/null || missing_apt+=(libssl-dev)
[ -f /usr/include/sqlite3.h ] || missing_apt+=(libsqlite3-dev)
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
    pip_packages=(aiosmtpd standardwebhooks icalendar pytest)
    missing_pip=()
    python3 -c 'import aiosmtpd' 2>/dev/null || missing_pip+=(aiosmtpd)
    python3 -c 'import standardwebhooks' 2>/dev/null || missing_pip+=(standardwebhooks)
    python3 -c 'import icalendar' 2>/dev/null || missing_pip+=(icalendar)
    python3 -c 'import pytest' 2>/dev/null || missing_pip+=(pytest)
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

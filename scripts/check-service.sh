#!/usr/bin/env bash
# The service checks CI runs: one line per check, exit status 1 if any failed.
#
#   make install && scripts/check-service.sh [INSTALLED_UNIT]
#
# INSTALLED_UNIT defaults to /usr/local/lib/systemd/system/concertd.service (what `make install`
# writes with its default PREFIX); pass the path for another PREFIX. Needs systemd-analyze and
# systemd-sysusers (Debian: apt-get install systemd), but no running systemd: every check works
# offline, in a container or a VM whose PID 1 is something else.
#
# 1. systemd-analyze security --offline=true rates systemd/concertd.service at MAX_EXPOSURE (1.5)
#    or lower.
# 2. systemd-analyze verify accepts the installed unit. It needs the unit's ExecStart= binary at
#    its real path, hence the real install first. verify exits 0 on many problems it only warns
#    about (an unknown key, a bad credential path), so any output at all fails the check.
# 3. the same with docs' smtp-password drop-in applied.
# 4. systemd-sysusers accepts systemd/concertd.sysusers and creates the user, the control group
#    and the membership in an empty root.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

unit=${1:-/usr/local/lib/systemd/system/concertd.service}
max_exposure=${MAX_EXPOSURE:-1.5}
analyze=${SYSTEMD_ANALYZE:-systemd-analyze}
failures=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

pass() { printf 'ok    %s\n' "$1"; }
fail() {
    printf 'FAIL  %s\n' "$1"
    [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/      /'
    failures=$((failures + 1))
}

if ! command -v "$analyze" >/dev/null 2>&1; then
    fail "systemd-analyze is missing: apt-get install systemd"
    exit 1
fi
version=$("$analyze" --version | head -n 1)

# 1. Exposure. --threshold takes tenths (15 = 1.5) and makes systemd-analyze itself compare the
# unrounded value; the printed number is for the log.
threshold=$(awk -v m="$max_exposure" 'BEGIN { printf "%d", m * 10 + 0.5 }')
report=$("$analyze" security --offline=true --threshold="$threshold" --no-pager systemd/concertd.service 2>&1)
status=$?
exposure=$(printf '%s\n' "$report" | sed -n 's/.*Overall exposure level for concertd.service: \([0-9.]*\).*/\1/p')
if [ -z "$exposure" ]; then
    fail "security: no exposure level in the output of $version" "$report"
elif [ $status -ne 0 ]; then
    fail "security: exposure $exposure is above $max_exposure" \
        "$(printf '%s\n' "$report" | grep '✗')"
else
    pass "security: exposure $exposure (at most $max_exposure; $version)"
fi

# 2. verify, on the installed unit.
verify() {
    local out rc
    out=$("$analyze" verify --man=no "$1" 2>&1)
    rc=$?
    if [ $rc -ne 0 ] || [ -n "$out" ]; then
        fail "$2" "${out:-exit status $rc}"
    else
        pass "$2"
    fi
}
if [ ! -f "$unit" ]; then
    fail "verify: $unit is not installed (run make install first, or pass the installed unit's path)"
else
    verify "$unit" "verify: $unit"

    # 3. The drop-in next to a copy of the installed unit: verify reads NAME.service.d/ beside it.
    mkdir -p "$scratch/units/concertd.service.d"
    cp "$unit" "$scratch/units/concertd.service"
    cp systemd/concertd.service.d/smtp-password.conf.example "$scratch/units/concertd.service.d/smtp-password.conf"
    verify "$scratch/units/concertd.service" "verify: the unit with the smtp-password.conf drop-in"
fi

# 4. sysusers, into an empty root.
# --root= applies to the file named on the command line too: put it where sysusers looks.
mkdir -p "$scratch/root/etc" "$scratch/root/usr/lib/sysusers.d"
cp systemd/concertd.sysusers "$scratch/root/usr/lib/sysusers.d/concertd.conf"
if ! out=$(systemd-sysusers --root="$scratch/root" 2>&1); then
    fail "sysusers: systemd-sysusers refused systemd/concertd.sysusers" "$out"
elif ! grep -q '^concertd:x:[0-9]*:[0-9]*:[^:]*:/var/lib/concertd:' "$scratch/root/etc/passwd" \
    || ! grep -q '^concertd-control:x:[0-9]*:concertd$' "$scratch/root/etc/group"; then
    fail "sysusers: user concertd or its membership of concertd-control is missing" \
        "$(cat "$scratch/root/etc/passwd" "$scratch/root/etc/group")"
else
    pass "sysusers: user concertd, group concertd-control with concertd as member"
fi

exit $((failures > 0))

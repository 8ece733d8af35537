#!/bin/bash
# Runs inside the container (concertd-probe.service). One file per finding in /probe-out.
exec > /probe-out/driver.log 2>&1
out=/probe-out
show() { systemctl show "$1" -p ActiveState,SubState,Result,ExecMainCode,ExecMainStatus,NRestarts; }
connect_as() {
    setpriv --reuid="$1" --regid="$1" --init-groups python3 -c '
import socket
s = socket.socket(socket.AF_UNIX)
try:
    s.connect("/run/concertd/control.sock"); print(s.recv(200).decode().strip())
except OSError as e:
    print(type(e).__name__, e.errno)' 2>&1 | tail -n 1
}

ctl_as() {
    setpriv --reuid="$1" --regid="$1" --init-groups /usr/local/bin/concertctl status --socket "${2:-/run/concertd/control.sock}" \
        >/dev/null 2>&1
    echo "rc=$?"
}
# The deliveries of the running daemon in STATE, one "state count" line each.
deliveries_in() { /usr/local/bin/concertctl deliveries --state "$1" --json 2>/dev/null | grep -c '"id"'; }

echo "=== installed: the unit exactly as make install wrote it, the real daemon"
systemctl start concertd.service; echo "start rc=$?"; sleep 2
show concertd | tee $out/installed.show
pid=$(systemctl show -p MainPID --value concertd)
stat -c '%a %U %G %n' /var/lib/concertd /var/lib/concertd/concertd.sqlite3 /var/lib/concertd/concertd.sqlite3.lock \
    | tee $out/daemon-files
echo "lock=$(cat /var/lib/concertd/concertd.sqlite3.lock) main=$pid" | tee $out/daemon-lock
grep '^Max open files' /proc/$pid/limits | tee $out/daemon-limits
stat -c '%a %U %G %n' /run/concertd /run/concertd/control.sock | tee $out/daemon-socket
for who in root concertd alice bob; do echo "$who: $(ctl_as $who)"; done | tee $out/daemon-connect
systemctl reload concertd; echo "reload rc=$?" | tee $out/daemon-reload
journalctl -u concertd --no-pager -o cat | tail -n 8

echo "=== second: another concertd on the same database, with a socket of its own"
sed -e 's|^ExecStart=.*|ExecStart=/usr/local/sbin/concertd --config /etc/concertd/concertd.conf --socket /run/concertd-second/control.sock|' \
    -e 's|^RuntimeDirectory=.*|RuntimeDirectory=concertd-second|' \
    -e 's|^Description=.*|Description=a second concertd on the same database|' \
    /usr/local/lib/systemd/system/concertd.service > /run/systemd/system/concertd-second.service
systemctl daemon-reload
systemctl start concertd-second.service; echo "start rc=$?"
sleep 7  # RestartSec=5s: at least one restart, refused again
show concertd-second | tee $out/second-refused.show
journalctl -u concertd-second --no-pager -o cat | grep -m1 'another concertd' | tee $out/second-reason
systemctl stop concertd; echo "stop rc=$?"
show concertd | tee $out/daemon-stopped.show
sleep 7  # its next restart finds the database free
show concertd-second | tee $out/second-after.show
systemctl stop concertd-second; systemctl reset-failed concertd-second 2>/dev/null
rm -f /run/systemd/system/concertd-second.service; systemctl daemon-reload

echo "=== extend: a send in flight at stop, shutdown_grace 8s past TimeoutStopSec=3s"
python3 -c '
import socket, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
open("/run/hanging.port", "w").write(str(s.getsockname()[1]))
held = []
while True:
    held.append(s.accept()[0])' &
sleep 1
cp /etc/concertd/concertd.conf /run/concertd.conf.orig
printf 'shutdown_grace = 8s\n' >> /etc/concertd/concertd.conf
mkdir -p /run/systemd/system/concertd.service.d
printf '[Service]\nTimeoutStopSec=3s\nExecStart=\nExecStart=/usr/local/sbin/concertd --config /etc/concertd/concertd.conf --clock-start 2019-10-25T08:59:57+09:00\n' \
    > /run/systemd/system/concertd.service.d/extend.conf
systemctl daemon-reload
systemctl start concertd.service; echo "start rc=$?"
/usr/local/bin/concertctl subscribe busan --webhook "http://127.0.0.1:$(cat /run/hanging.port)/hook" --quiet
for _ in $(seq 30); do [ "$(deliveries_in sending)" -ge 1 ] && break; sleep 0.5; done
echo "sending=$(deliveries_in sending)" | tee $out/extend-sending
started=$(date +%s.%N)
systemctl stop concertd; echo "stop rc=$?"
awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "stop took %.1f\n", b - a }' | tee $out/extend-took
show concertd | tee $out/extend-stopped.show
journalctl -u concertd --no-pager -o cat --since "@${started%.*}" | tee $out/extend-journal
rm -f /run/systemd/system/concertd.service.d/extend.conf; systemctl daemon-reload
cp /run/concertd.conf.orig /etc/concertd/concertd.conf
kill %1 2>/dev/null

echo "=== standin: a probe of what the sandbox allows and refuses, under the same [Service] section"
python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen()
open("/run/concertd-probe.port", "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept(); c.sendall(b"220 probe\r\n"); c.close()' &
sleep 1
systemctl start concertd-standin.service; echo "start rc=$?"
show concertd-standin | tee $out/standin-running.show
stat -c '%a %U %G %n' /run/concertd /run/concertd/control.sock | tee $out/standin-socket
for who in root concertd alice bob; do echo "$who: $(connect_as $who)"; done | tee $out/standin-connect
systemctl reload concertd-standin; echo "reload rc=$?" | tee $out/standin-reload
systemctl stop concertd-standin; echo "stop rc=$?"
show concertd-standin | tee $out/standin-stopped.show
cp /var/lib/concertd/standin.json $out/standin.json

echo "=== credential: the shipped smtp-password drop-in, password file present"
mkdir -p /run/systemd/system/concertd-standin.service.d
cp /usr/local/share/doc/concertd/smtp-password.conf.example /run/systemd/system/concertd-standin.service.d/smtp-password.conf
systemctl daemon-reload
systemctl start concertd-standin.service; echo "start rc=$?"
show concertd-standin | tee $out/credential.show
systemctl stop concertd-standin; cp /var/lib/concertd/standin.json $out/credential.json

echo "=== credential-missing: the drop-in with no password file"
printf '[Service]\nLoadCredential=\nLoadCredential=smtp-password:/etc/concertd/no-such-file\n' \
    > /run/systemd/system/concertd-standin.service.d/zz-missing.conf
systemctl daemon-reload
systemctl start concertd-standin.service; echo "start rc=$?"
sleep 1; show concertd-standin | tee $out/credential-missing.show
systemctl stop concertd-standin; systemctl reset-failed concertd-standin 2>/dev/null
rm -f /run/systemd/system/concertd-standin.service.d/*

echo "=== private-users: why the unit has no PrivateUsers="
printf '[Service]\nPrivateUsers=yes\n' > /run/systemd/system/concertd-standin.service.d/private-users.conf
systemctl daemon-reload
systemctl start concertd-standin.service; echo "start rc=$?"
for who in root alice; do echo "$who: $(connect_as $who)"; done | tee $out/private-users-connect
systemctl stop concertd-standin

echo "=== done"; touch $out/done
systemctl poweroff --no-block

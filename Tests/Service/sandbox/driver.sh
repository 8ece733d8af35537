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

echo "=== installed: the unit exactly as make install wrote it"
systemctl start concertd.service; echo "start rc=$?"; sleep 5
show concertd | tee $out/installed.show
journalctl -u concertd --no-pager -o cat | tail -n 8
systemctl stop concertd; systemctl reset-failed concertd 2>/dev/null

echo "=== daemon: the current concertd binary in the installed sandbox, notify and --config relaxed"
mkdir -p /run/systemd/system/concertd.service.d
cp /probe/relax-for-current-daemon.conf /run/systemd/system/concertd.service.d/
systemctl daemon-reload
systemctl start concertd.service; echo "start rc=$?"; sleep 8
show concertd | tee $out/daemon-running.show
stat -c '%a %U %G %n' /var/lib/concertd /var/lib/concertd/concertd.sqlite3 | tee $out/daemon-files
systemctl stop concertd; echo "stop rc=$?"
show concertd | tee $out/daemon-stopped.show
journalctl -u concertd --no-pager -o cat | tail -n 8
rm -f /run/systemd/system/concertd.service.d/relax-for-current-daemon.conf; systemctl daemon-reload

echo "=== standin: what the finished daemon will do, in the same sandbox"
python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 2525)); s.listen()
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

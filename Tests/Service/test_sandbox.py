"""The installed unit under a real systemd (booted in systemd-nspawn over this host's /usr):
the sandbox lets the daemon do its work, and the control group works as documented.

Runs only as root with a systemd-nspawn binary: set CONCERTD_NSPAWN to one, or have it on PATH
(Debian: `apt-get install systemd-container`, or without installing it:
`apt-get download systemd-container && dpkg -x systemd-container_*.deb /tmp/nspawn`, then
CONCERTD_NSPAWN=/tmp/nspawn/usr/bin/systemd-nspawn)."""

import json
import os
import resource
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
NSPAWN = os.environ.get("CONCERTD_NSPAWN") or shutil.which("systemd-nspawn")

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or NSPAWN is None, reason="needs root and systemd-nspawn (CONCERTD_NSPAWN)"
)


def properties(text):
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


@pytest.fixture(scope="module")
def probe(built, tmp_path_factory):
    """Boots the container once; returns the directory of findings written by driver.sh."""
    out = tmp_path_factory.mktemp("sandbox")
    result = subprocess.run(
        [HERE / "sandbox/run.sh", NSPAWN, out], capture_output=True, text=True, timeout=400
    )
    if result.returncode != 0:
        log = (out / "driver.log").read_text() if (out / "driver.log").exists() else ""
        boot = (out / "boot.log").read_text()[-3000:] if (out / "boot.log").exists() else ""
        pytest.fail(f"the sandbox probe failed:\n{result.stderr}\n{log}\n{boot}")
    return out


def test_the_installed_unit_runs_the_daemon_and_stops_it_cleanly(probe):
    running = properties((probe / "installed.show").read_text())
    assert (running["ActiveState"], running["SubState"], running["NRestarts"]) == ("active", "running", "0")
    stopped = properties((probe / "daemon-stopped.show").read_text())
    assert (stopped["Result"], stopped["ExecMainStatus"]) == ("success", "0")
    # The database and its lock in StateDirectory=, private to the daemon's user.
    assert (probe / "daemon-files").read_text().splitlines() == [
        "700 concertd concertd-control /var/lib/concertd",
        "600 concertd concertd-control /var/lib/concertd/concertd.sqlite3",
        "600 concertd concertd-control /var/lib/concertd/concertd.sqlite3.lock",
    ]
    lock = properties((probe / "daemon-lock").read_text().replace(" ", "\n"))
    assert lock["lock"] == lock["main"], "the lock file names the running daemon"
    # LimitNOFILE=, or the hard limit of the container's systemd if that is lower (20000 on some hosts).
    expected = str(min(131072, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    assert (probe / "daemon-limits").read_text().split()[3:5] == [expected, expected]
    assert (probe / "daemon-socket").read_text().splitlines() == [
        "750 concertd concertd-control /run/concertd",
        "660 concertd concertd-control /run/concertd/control.sock",
    ]
    connections = dict(line.split(": ", 1) for line in (probe / "daemon-connect").read_text().splitlines())
    assert connections == {"root": "rc=0", "concertd": "rc=0", "alice": "rc=0", "bob": "rc=69"}
    assert (probe / "daemon-reload").read_text().strip() == "reload rc=0"


def test_a_second_daemon_on_the_same_database_exits_75_and_systemd_retries_until_the_first_stops(probe):
    refused = properties((probe / "second-refused.show").read_text())
    assert (refused["ExecMainCode"], refused["ExecMainStatus"]) == ("1", "75")  # exited, EX_TEMPFAIL
    assert int(refused["NRestarts"]) >= 1, "Restart=on-failure restarts 75"
    assert "another concertd (pid " in (probe / "second-reason").read_text()
    after = properties((probe / "second-after.show").read_text())
    assert (after["ActiveState"], after["SubState"]) == ("active", "running")


def test_stop_waits_for_a_send_in_flight_past_timeoutstopsec(probe):
    assert (probe / "extend-sending").read_text().strip() == "sending=1"
    took = float((probe / "extend-took").read_text().split()[2])
    stopped = properties((probe / "extend-stopped.show").read_text())
    # shutdown_grace = 8s with TimeoutStopSec=3s: EXTEND_TIMEOUT_USEC kept systemd from killing it.
    assert (stopped["Result"], stopped["ExecMainStatus"]) == ("success", "0")
    assert 7.5 <= took < 20, took
    assert "in_flight_left=1" in (probe / "extend-journal").read_text()


def test_the_peer_check_admits_members_of_the_control_group_only(probe):
    running = properties((probe / "standin-running.show").read_text())
    assert running["ActiveState"] == "active"  # Type=notify: READY=1 arrived
    assert (probe / "standin-socket").read_text().splitlines() == [
        "750 concertd concertd-control /run/concertd",
        "660 concertd concertd-control /run/concertd/control.sock",
    ]
    connections = dict(line.split(": ", 1) for line in (probe / "standin-connect").read_text().splitlines())
    assert connections["root"] == "uid=0 allowed=True"
    assert connections["concertd"].endswith("allowed=True")
    assert connections["alice"] == "uid=2001 allowed=True"
    assert connections["bob"] == "PermissionError 13"  # the 0750 directory stops him before the socket
    assert (probe / "standin-reload").read_text().strip() == "reload rc=0"
    stopped = properties((probe / "standin-stopped.show").read_text())
    assert (stopped["Result"], stopped["ExecMainStatus"]) == ("success", "0")


def test_the_sandbox_allows_what_the_daemon_needs_and_nothing_around_it(probe):
    found = json.loads((probe / "standin.json").read_text())
    ok = {name for name, value in found.items() if isinstance(value, list) and value[0] == "ok"}
    assert {
        "sqlite_wal_in_state_directory", "read_catalog", "read_ca_bundle", "getaddrinfo_addrconfig",
        "tcp_connect_loopback", "groups_of_alice", "control_socket",
    } <= ok, found
    assert found["sqlite_wal_in_state_directory"][1] == "0o600"
    assert found["umask"] == "0o77"
    assert found["env"]["STATE_DIRECTORY"] == "/var/lib/concertd"
    assert found["env"]["RUNTIME_DIRECTORY"] == "/run/concertd"
    assert found["env"]["CONFIGURATION_DIRECTORY"] == "/etc/concertd"
    assert found["env"]["WATCHDOG_USEC"] == "30000000"
    assert found["write_configuration_directory"][0] == "error"
    assert found["list_home"][0] == "error"
    assert found["netlink_socket"][0] == "error"
    assert len(found["visible_pids"][1]) == 1  # ProtectProc=invisible: its own process only
    assert found["credential_smtp_password"] == ["ok", None]


def test_smtp_password_drop_in_hands_the_file_over_as_a_credential(probe):
    assert properties((probe / "credential.show").read_text())["ActiveState"] == "active"
    found = json.loads((probe / "credential.json").read_text())
    assert found["credential_smtp_password"][1] == {
        "directory": "/run/credentials/concertd-standin.service",
        "bytes": len("not-a-real-password\n"),
        "mode": "0o400",
        "uid": found["uid"],
    }
    # The drop-in with its file missing: systemd refuses to start the service, and says why.
    missing = properties((probe / "credential-missing.show").read_text())
    assert (missing["Result"], missing["ExecMainStatus"]) == ("exit-code", "243")  # 243/CREDENTIALS


def test_private_users_would_hide_who_connects(probe):
    connections = dict(line.split(": ", 1) for line in (probe / "private-users-connect").read_text().splitlines())
    assert connections["alice"] == "uid=65534 allowed=False"

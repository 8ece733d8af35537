"""Scenario 6: bad input never hurts the daemon, and bad state stops it before it starts.

Malformed control requests (written raw to the socket), bad concertctl arguments, and a broken
config, catalog or database. After every bad request the daemon must still answer others and
hold exactly the data it held before.
"""
import json
import socket
import sqlite3
import subprocess
import time

import pytest

from harness.control_socket import RawControl
from harness.daemon import CATALOG

# Nothing is due for weeks after this moment for the subscriptions made here (Siheung, 14 Nov).
QUIET_MOMENT = "2019-10-25T12:00+09:00"

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602
LINE_TOO_LONG, UNSUPPORTED_PROTOCOL, IDLE_TIMEOUT = -32006, -32007, -32008


def data_snapshot(daemon):
    """Everything a bad request could have changed: subscriptions, deliveries, counters."""
    status = daemon.status()
    return {
        "subscriptions": daemon.ctl_ok("subscriptions")["subscriptions"],
        "deliveries": daemon.deliveries(),
        "upcoming": daemon.ctl_ok("upcoming", "--limit", 1000)["deliveries"],
        "counts": status["counts"],
    }


def assert_error(reply, code, id=1):
    assert "error" in reply, f"expected error {code}, got {reply}"
    assert reply["error"]["code"] == code, reply
    assert reply["error"]["message"], reply
    assert reply["id"] == id, reply


@pytest.fixture
def populated_daemon(make_daemon, receiver, smtp):
    daemon = make_daemon(smtp=smtp.url, config={"control_idle_timeout": "2s"})
    daemon.start(QUIET_MOMENT, 1)
    for n in range(3):
        daemon.subscribe("siheung", webhook=receiver.url(f"/hook/{n}"), format="slack", before="1d,1h", quiet=True)
    daemon.subscribe("시흥", "suwon", email="citizen@example.org", before="7d", quiet=True)
    return daemon


def test_malformed_control_requests_get_errors_and_change_nothing(populated_daemon):
    daemon = populated_daemon
    before = data_snapshot(daemon)

    def still_serving(what):
        assert daemon.running, f"concertd died after {what}:\n{daemon.log()[-3000:]}"
        with RawControl(daemon.socket) as other:
            assert "result" in other.request("status"), f"no status answer after {what}"

    cases = [
        ("a garbage line", b"hello concertd\n", PARSE_ERROR, None),
        ("invalid UTF-8", b'{"jsonrpc":"2.0","id":1,"method":"st\xff\xfeatus"}\n', PARSE_ERROR, None),
        ("JSON that is no request", b"[1, 2, 3]\n", INVALID_REQUEST, None),
        ("JSON-RPC 1.0", b'{"jsonrpc":"1.0","id":1,"method":"status"}\n', INVALID_REQUEST, 1),
        ("an unknown method", b'{"jsonrpc":"2.0","id":1,"method":"drop_tables"}\n', METHOD_NOT_FOUND, 1),
        ("cities as a string", b'{"jsonrpc":"2.0","id":1,"method":"subscribe","params":{"cities":"siheung",'
                               b'"email":"x@example.org"}}\n', INVALID_PARAMS, 1),
        ("a limit as text", b'{"jsonrpc":"2.0","id":1,"method":"deliveries","params":{"limit":"ten"}}\n',
         INVALID_PARAMS, 1),
        ("params as an array", b'{"jsonrpc":"2.0","id":1,"method":"pause","params":["sub-x"]}\n', INVALID_PARAMS, 1),
        ("protocol version 99", b'{"jsonrpc":"2.0","id":1,"method":"status","protocol":99}\n',
         UNSUPPORTED_PROTOCOL, 1),
        # Line numbers that would overflow when the daemon counts on from them.
        ("a bulk chunk from line -1", b'{"jsonrpc":"2.0","id":1,"method":"subscribe.bulk.stage","params":'
                                      b'{"first_line":-1,"lines":["{\\"cities\\":[\\"siheung\\"],'
                                      b'\\"email\\":\\"x@example.org\\"}"]}}\n', INVALID_PARAMS, 1),
        ("a bulk chunk from line 2^63-1", b'{"jsonrpc":"2.0","id":1,"method":"subscribe.bulk.stage","params":'
                                          b'{"first_line":9223372036854775807,"lines":["{}","{}"]}}\n',
         INVALID_PARAMS, 1),
        ("a concert in the year 0", b'{"jsonrpc":"2.0","id":1,"method":"concert.add","params":{"cities":["siheung"],'
                                    b'"title":"T","start":"0000-01-01T00:00+00:00"}}\n', INVALID_PARAMS, 1),
    ]
    for what, line, code, id in cases:
        with RawControl(daemon.socket) as client:
            client.send(line)
            reply = client.reply()
            assert "error" in reply and reply["error"]["code"] == code, f"{what}: {reply}"
            assert reply["error"]["message"], f"{what}: the error has no message"
            if id is not None:
                assert reply["id"] == id, f"{what}: {reply}"
            # The connection stays usable after a bad line that could be framed.
            assert "result" in client.request("cities", id=2), f"{what}: the connection is no longer served"
        still_serving(what)

    # A line over 64 KiB: line_too_long, and the connection is closed (no telling where the next
    # request would start). Sent in pieces, with and without a newline at the end.
    for ending in (b"\n", b""):
        with RawControl(daemon.socket) as client:
            try:
                client.send(b'{"jsonrpc":"2.0","id":1,"method":"status","params":{"pad":"' + b"x" * 70_000 + ending)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the daemon may close before reading it all; its reply is still there
            reply = json.loads(client.read_line())
            assert reply["error"]["code"] == LINE_TOO_LONG, reply
            assert client.closed_by_peer(timeout=5), "the connection stayed open after line_too_long"
        still_serving("an over-long line")

    # Requests pipelined in one write are answered in order, each under its own id.
    with RawControl(daemon.socket) as client:
        client.send(b"".join(
            json.dumps({"jsonrpc": "2.0", "id": n, "method": m}).encode() + b"\n"
            for n, m in enumerate(["status", "cities", "nope", "subscriptions", "status"], start=10)))
        replies = [client.reply() for _ in range(5)]
        assert [r["id"] for r in replies] == [10, 11, 12, 13, 14]
        assert replies[2]["error"]["code"] == METHOD_NOT_FOUND

    # A half-open client that connects and never writes is told it idled and closed
    # (control_idle_timeout = 2s), while others are served meanwhile.
    with RawControl(daemon.socket) as silent:
        still_serving("a silent client connected")
        silent.sock.settimeout(10)
        reply = json.loads(silent.read_line())
        assert reply["error"]["code"] == IDLE_TIMEOUT, reply
        assert silent.closed_by_peer(timeout=5)

    # Blank lines are no requests: a client sending one every half second is closed all the same.
    with RawControl(daemon.socket) as blank:
        for _ in range(8):
            try:
                blank.send(b"\n")
            except (BrokenPipeError, ConnectionResetError):
                break
            time.sleep(0.5)
        blank.sock.settimeout(10)
        reply = json.loads(blank.read_line())
        assert reply["error"]["code"] == IDLE_TIMEOUT, reply
        assert blank.closed_by_peer(timeout=5)
    still_serving("a client sending blank lines")

    # Half a request, then the client shuts its writing side: the fragment is read as a line.
    with RawControl(daemon.socket) as client:
        client.send(b'{"jsonrpc":"2.0","id":7,"method":"sta')
        client.sock.shutdown(socket.SHUT_WR)
        reply = client.reply()
        assert reply["error"]["code"] == PARSE_ERROR, reply
        assert client.closed_by_peer(timeout=5)
    still_serving("half a request and a shutdown")

    # Clients that vanish while a large reply (the whole season's preview) is being written.
    for attempt in range(5):
        client = RawControl(daemon.socket)
        client.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "preview", "params": {
            "from": "2019-10-01T00:00+09:00", "to": "2019-12-31T00:00+09:00"}}).encode() + b"\n")
        if attempt % 2:
            client.sock.recv(100)  # the reply has started
        client.reset()
        still_serving("a client disconnecting mid-reply")

    assert data_snapshot(daemon) == before


def test_bad_cli_arguments_exit_64_or_1_with_a_clear_message(populated_daemon, receiver):
    daemon = populated_daemon
    before = data_snapshot(daemon)
    hook = receiver.url("/hook/new")
    cases = [
        # (arguments, exit code, words the message must contain)
        (["subscribe", "atlantis", "--webhook", hook], 1, ["atlantis"]),
        (["subscribe", "busan", "--webhook", "file:///etc/passwd"], 64, ["--webhook", "https"]),
        (["subscribe", "busan", "--webhook", hook, "--format", "carrier-pigeon"], 1, ["carrier-pigeon"]),
        (["subscribe", "busan", "--email", "not-an-address"], 64, ["not-an-address"]),
        (["subscribe", "busan", "--email", "a@example.org", "--before", "7x"], 64, ["--before", "7x"]),
        (["subscribe", "busan", "--email", "a@example.org", "--before", "400d"], 64, ["--before"]),
        (["subscribe", "busan", "--email", "a@example.org", "--webhook", hook], 64, ["--email", "--webhook"]),
        (["subscribe", "busan", "--email", "a@example.org", "--lang", "fr"], 64, ["fr"]),
        (["deliveries", "--limit", "0"], 64, ["--limit"]),
        (["preview", "--from", "yesterday"], 64, ["yesterday"]),
        (["pause", "sub-doesnotexist"], 1, ["sub-doesnotexist"]),
        (["retry", "999999"], 1, ["999999"]),
        (["concert", "cancel", "atlantis-2019"], 1, ["atlantis-2019"]),
    ]
    for args, code, words in cases:
        result = daemon.ctl(*args, json_output=False)
        assert result.returncode == code, str(result)
        assert result.stdout == "", f"a failed command printed a result:\n{result}"
        for word in words:
            assert word in result.stderr, f"the message does not name {word!r}:\n{result}"
    assert daemon.running
    assert data_snapshot(daemon) == before

    # An unknown command, given alone (with --socket: the test below).
    result = run_concertctl(daemon, "frobnicate")
    assert result.returncode == 64 and "frobnicate" in result.stderr, result

    # Nobody listening: 69, naming the socket tried and how to start the daemon.
    result = run_concertctl(daemon, "status", "--socket", "/tmp/cde-nobody-here.sock")
    assert result.returncode == 69, result
    assert "/tmp/cde-nobody-here.sock" in result.stderr and "start" in result.stderr, result.stderr


def run_concertctl(daemon, *args):
    """concertctl with exactly these arguments (no --socket or --json added)."""
    return subprocess.run([str(daemon.binaries / "concertctl"), *args], capture_output=True, text=True, timeout=30)


def test_concertctl_reads_times_as_the_daemon_does_and_says_the_same_words(populated_daemon):
    """concertctl and the daemon share one reader of times (ConcertShared's KoreaTime): what one
    takes the other takes, and a refusal reads the same from both."""
    daemon = populated_daemon
    for text in ["2019-10-29 14:00", " 2019-10-29T14:00 ", "2019-10-29T14:00+15:00", "2019-10-29"]:
        result = daemon.ctl("preview", "--from", text, "--to", "2019-10-30", json_output=False)
        assert result.returncode == 0, str(result)
    for text, words in [
        ("2019-02-30", "is not a real date and time"),
        ("2019-10-29T14:00+24:00", "has an impossible UTC offset"),
        ("29.10.2019", "is not an ISO 8601 date or time"),
    ]:
        result = daemon.ctl("preview", "--from", text, json_output=False)
        assert result.returncode == 64 and f"--from '{text}' {words}" in result.stderr, str(result)
        with RawControl(daemon.socket) as client:
            client.send(json.dumps({"jsonrpc": "2.0", "id": 1, "method": "preview", "params": {
                "from": text, "to": "2019-12-31"}}).encode() + b"\n")
            reply = client.reply()
        assert f"'{text}' {words}" in reply["error"]["message"], reply


def test_an_unknown_command_is_named_even_with_global_options(binaries, workdir):
    result = subprocess.run([str(binaries / "concertctl"), "--socket", str(workdir / "c.sock"), "frobnicate"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 64 and "frobnicate" in result.stderr, result.stderr


def test_email_subscriptions_are_refused_when_email_is_off(make_daemon):
    daemon = make_daemon()  # no --smtp, no smtp_url
    daemon.start(QUIET_MOMENT, 1)
    result = daemon.ctl("subscribe", "siheung", "--email", "citizen@example.org", json_output=False)
    assert result.returncode == 1 and "smtp" in result.stderr.lower(), str(result)
    assert daemon.ctl_ok("subscriptions")["subscriptions"] == []


def test_daemon_refuses_to_start_on_a_bad_config_catalog_or_newer_database(make_daemon, workdir):
    # A config with an unknown key: exit 78 (EX_CONFIG), naming file, line and key.
    daemon = make_daemon("unknown-key", config={"max_in_flight": 16, "colour": "blue"})
    code, stderr = daemon.run_to_exit()
    assert code == 78, stderr
    assert f"{daemon.config_path}:3:" in stderr and "colour" in stderr, stderr
    assert not daemon.database_path.exists(), "a refused start created the database"
    # check-config says the same, with the daemon's own loader.
    check = subprocess.run(
        [str(daemon.binaries / "concertd"), "check-config", str(daemon.config_path)],
        capture_output=True, text=True, timeout=30)
    assert check.returncode != 0 and "colour" in check.stderr, check

    # A bad value names the key too.
    daemon = make_daemon("bad-value", config={"max_in_flight": "lots"})
    code, stderr = daemon.run_to_exit()
    assert code == 78 and "max_in_flight" in stderr and "lots" in stderr, stderr

    # A catalog with one broken entry (the press release's own typo, 19;00, put back).
    broken = workdir / "broken.json5"
    text = CATALOG.read_text()
    assert 'start: "2019-11-14T19:00+09:00"' in text
    broken.write_text(text.replace('start: "2019-11-14T19:00+09:00"', 'start: "2019-11-14T19;00+09:00"'))
    daemon = make_daemon("broken-catalog", catalog=broken)
    code, stderr = daemon.run_to_exit()
    assert code == 78, stderr
    assert "siheung-2019" in stderr or "19;00" in stderr, stderr

    # A database that a newer concertd has migrated: refused, and left as it was.
    daemon = make_daemon("newer-database")
    daemon.start(QUIET_MOMENT, 1)
    # A webhook: this daemon has no smarthost, so an email subscription would be refused.
    daemon.subscribe("siheung", webhook="http://127.0.0.1:9/keep", format="slack", quiet=True)
    assert daemon.stop() == 0
    with sqlite3.connect(daemon.database_path) as db:
        db.execute("INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-a-future-concertd')")
    stored = database_dump(daemon.database_path)
    code, stderr = daemon.run_to_exit()
    assert code == 78, stderr
    assert "v99-from-a-future-concertd" in stderr or "newer" in stderr, stderr
    assert database_dump(daemon.database_path) == stored, "the refused start changed the database"


def database_dump(path):
    """The database's content as SQL text (the file's bytes change when SQLite merges its WAL)."""
    with sqlite3.connect(path) as db:
        return list(db.iterdump())

"""Scenario 12: the metrics listener (issue 19): /metrics counts what the daemon did, /healthz tells.

A scrape is parsed by `prometheus_client`'s text parser and checked against what the test did:
reminders sent to a real HTTP receiver and a real SMTP server, subscriptions made and paused,
control and HTTP requests counted exactly. promtool lints a real scrape and checks the example
alert rules of docs/prometheus against it. The store is made unreadable from outside (another
process holds every read mark of the database's WAL index) and /healthz turns 503 and back. A
restart starts the counters from the database. Bad `metrics_listen` values stop the start.
"""
import json
import re
import secrets
import shutil
import socket
import subprocess
import threading
import time

import pytest

from harness.clock import kst
from harness.control_socket import RawControl
from harness.daemon import REPO
from harness.receiver import Answer
from harness.metrics import UnreadableDatabase, free_port, get, promtool, scrape, wait_for_health
from harness.waiting import poll_until

PROMETHEUS_DOCS = REPO / "docs" / "prometheus"
RULES = PROMETHEUS_DOCS / "concertd-rules.yml"
# Gongju's concert starts at 14:00 Korea time; at 180× from 12:45, its 1h reminders fall due 5 real
# seconds after the start.
START = "2019-10-24T12:45+09:00"
RATE = 180
DUE = kst("2019-10-24T13:00")
WEBHOOKS = {"slack": 3, "generic": 2, "mattermost": 1}
EMAILS = 2
SENT = sum(WEBHOOKS.values()) + EMAILS
# Daegu's concert is on 29 October: what is subscribed there stays scheduled through the test.
IMPORTED = 3

# The agreed metric families and their types (docs/metrics.md). Counters are named without
# `_total` by the parser.
FAMILIES = {
    "concertd_deliveries": "counter",
    "concertd_sends_in_flight": "gauge",
    "concertd_send_lateness_seconds": "histogram",
    "concertd_send_duration_seconds": "histogram",
    "concertd_failing_destinations": "gauge",
    "concertd_subscriptions": "gauge",
    "concertd_control_requests": "counter",
    "concertd_http_requests": "counter",
    "concertd_database_size_bytes": "gauge",
    "concertd_outbox_depth": "gauge",
    "concertd_store_up": "gauge",
    "process_start_time_seconds": "gauge",
    "concertd_build_info": "gauge",
}


def metrics_daemon(make_daemon, port, **options):
    """A daemon whose config file sets `metrics_listen` (so restarts keep it)."""
    config = {"metrics_listen": f"127.0.0.1:{port}"} | options.pop("config", {})
    return make_daemon(config=config, **options)


def delta(after, before, name, **labels):
    return after.total(name, **labels) - before.total(name, **labels)


def bucket_counts(scrape_, name, **labels):
    """{upper bound: cumulative count} of a histogram's buckets."""
    return {float(s.labels["le"]): s.value for s in scrape_.matching(f"{name}_bucket", **labels)}


def final_counts(daemon):
    counts = daemon.delivery_counts()
    return {state: n for state, n in counts.items() if state in ("sent", "failed", "skipped")}


def test_a_scrape_counts_the_reminders_sent_the_subscriptions_and_the_requests(make_daemon, receiver, smtp):
    port = free_port()
    daemon = make_daemon(smtp=smtp.url)
    started_before = time.time()
    daemon.start(START, RATE, extra=["--metrics-listen", f"127.0.0.1:{port}"])
    started_after = time.time()
    before = scrape(port)

    ids = []
    for format, count in WEBHOOKS.items():
        for n in range(count):
            ids.append(daemon.subscribe("gongju", webhook=receiver.url(f"/{format}/{n}"), format=format,
                                        before="1h", quiet=True)["id"])
    for n in range(EMAILS):
        ids.append(daemon.subscribe("gongju", email=f"listener{n}@example.org", before="1h", quiet=True)["id"])
    paused = daemon.subscribe("daegu", webhook=receiver.url("/paused"), format="slack", before="1h", quiet=True)["id"]
    daemon.ctl_ok("pause", paused)
    lines = daemon.workdir / "import.jsonl"
    lines.write_text("".join(json.dumps({"cities": ["daegu"], "webhook": receiver.url(f"/imported/{n}"),
                                         "format": "discord", "before": "1h"}) + "\n" for n in range(IMPORTED)))
    assert daemon.ctl_ok("subscribe", "--from", lines)["imported"] == IMPORTED
    assert daemon.clock.now() < DUE, "subscribing took until the due moment"

    daemon.wait_until_settled(SENT, timeout=60)
    receiver.wait_for(lambda got: len(got) >= sum(WEBHOOKS.values()), timeout=10)
    smtp.wait_for(lambda got: len(got) >= EMAILS, timeout=10)
    after = scrape(port)

    # Every agreed family is there, with its type.
    for family, kind in FAMILIES.items():
        assert family in after.families, f"{family} missing from the scrape:\n{after.text}"
        assert after.type_of(family) == kind, f"{family}: {after.type_of(family)}, expected {kind}"

    # The reminders: each channel's counter moved by what was sent there, and nothing else moved.
    for format, count in WEBHOOKS.items():
        assert delta(after, before, "concertd_deliveries_total", state="sent", kind="reminder", channel=format) == count
    assert delta(after, before, "concertd_deliveries_total", state="sent", kind="reminder", channel="email") == EMAILS
    assert delta(after, before, "concertd_deliveries_total", state="sent") == SENT
    assert delta(after, before, "concertd_deliveries_total", state="failed") == 0
    # The totals are the database's: what `status` counts as sent and failed (skips: the next test).
    counts = daemon.delivery_counts()
    for state in ("sent", "failed"):
        assert after.total("concertd_deliveries_total", state=state) == counts.get(state, 0), (state, after.text)

    # Each send's lateness and duration were observed once. Lateness is on the daemon's clock, here
    # RATE times faster than real time: every send started within about a real second of its due moment
    # (the first bucket at or above RATE seconds).
    lateness = "concertd_send_lateness_seconds"
    assert delta(after, before, f"{lateness}_count") == SENT
    assert 0 <= delta(after, before, f"{lateness}_sum") / daemon.clock.rate < SENT * 1.0
    buckets = bucket_counts(after, lateness)
    assert any(bound <= 0.005 for bound in buckets), f"no bucket for a 5 ms p99: {sorted(buckets)}"
    assert buckets[float("inf")] == after.total(f"{lateness}_count")
    within_a_second = min(bound for bound in buckets if bound >= 1.0 * daemon.clock.rate)
    assert buckets[within_a_second] == SENT, buckets
    assert list(buckets.values()) == sorted(buckets.values()), f"buckets not cumulative: {buckets}"
    duration = "concertd_send_duration_seconds"
    for format, count in WEBHOOKS.items():
        assert delta(after, before, f"{duration}_count", channel=format) == count
    assert delta(after, before, f"{duration}_count", channel="email") == EMAILS
    assert delta(after, before, f"{duration}_count") == SENT

    # Subscriptions by state and source, as made; the gauges of the moment.
    assert after.value("concertd_subscriptions", state="active", source="control") == SENT
    assert after.value("concertd_subscriptions", state="paused", source="control") == 1
    assert after.value("concertd_subscriptions", state="active", source="import") == IMPORTED
    assert after.total("concertd_subscriptions") == len(daemon.ctl_ok("subscriptions")["subscriptions"])
    assert after.value("concertd_sends_in_flight") == 0
    assert after.value("concertd_failing_destinations") == 0
    assert after.value("concertd_outbox_depth") == sum(counts.get(s, 0) for s in ("scheduled", "sending", "retrying"))
    assert after.value("concertd_outbox_depth") == IMPORTED, counts
    assert after.value("concertd_store_up") == 1
    files = [daemon.database_path, daemon.database_path.with_name("concertd.sqlite3-wal")]
    on_disk = sum(path.stat().st_size for path in files if path.exists())
    assert 4096 <= after.value("concertd_database_size_bytes") <= on_disk, on_disk
    assert started_before - 1 <= after.value("process_start_time_seconds") <= started_after + 1
    version = subprocess.run([str(daemon.binaries / "concertd"), "--version"], capture_output=True, text=True,
                             check=True).stdout.split()[-1]
    assert after.value("concertd_build_info", version=version) == 1
    assert after.total("concertd_subscriptions", state="active") == SENT + IMPORTED
    assert after.total("concertd_control_requests_total", method="subscribe", outcome="ok") >= SENT + 1

    # No label holds anything a subscriber gave: no id, address, URL or port of a receiver.
    for sample in after.samples:
        for label, value in sample.labels.items():
            for secretive in ("sub-", "@", "127.0.0.1", "http", str(receiver.port), str(smtp.port)):
                assert secretive not in value, f"{sample.name}{{{label}={value!r}}}"

    # promtool lints a real scrape: no problems at all.
    checked = promtool("check", "metrics", stdin=after.text)
    assert checked.returncode == 0 and checked.stdout.strip() == "" and checked.stderr.strip() == "", checked

    # Control and HTTP requests, counted exactly: nothing else talks to the daemon meanwhile.
    token = secrets.token_hex(6)
    first = scrape(port)
    control = RawControl(daemon.socket)
    try:
        for _ in range(3):
            assert "result" in control.request("status")
        assert "result" in control.request("subscriptions", {})
        assert "error" in control.request(f"no.such.method.{token}")
    finally:
        control.close()
    assert get(f"http://127.0.0.1:{port}/healthz").status == 200
    assert get(f"http://127.0.0.1:{port}/no/such/{token}").status == 404
    second = scrape(port)
    assert delta(second, first, "concertd_control_requests_total") == 5
    assert delta(second, first, "concertd_control_requests_total", method="status", outcome="ok") == 3
    assert delta(second, first, "concertd_control_requests_total", method="subscriptions", outcome="ok") == 1
    errors = [s for s in second.matching("concertd_control_requests_total") if s.labels["outcome"] != "ok"]
    moved = [s for s in errors if s.value != first.total(s.name, **s.labels)]
    assert len(moved) == 1 and moved[0].value - first.total(moved[0].name, **moved[0].labels) == 1, moved
    assert delta(second, first, "concertd_http_requests_total", path="/metrics", code="200") == 1
    assert delta(second, first, "concertd_http_requests_total", path="/healthz", code="200") == 1
    assert delta(second, first, "concertd_http_requests_total", code="404") == 1
    assert token not in second.text, "a name from a request became a label value"


def test_deliveries_skipped_by_pause_unsubscribe_and_a_cancelled_concert_are_counted(make_daemon, receiver):
    """The store skips rows itself (not the scheduler): each skip is counted as `status` counts it."""
    port = free_port()
    daemon = metrics_daemon(make_daemon, port)
    daemon.start(START, 1)
    paused = daemon.subscribe("daegu", webhook=receiver.url("/p"), format="slack", before="1d,1h", quiet=True)["id"]
    removed = daemon.subscribe("busan", webhook=receiver.url("/r"), format="generic", before="1h", quiet=True)["id"]
    daemon.subscribe("incheon", webhook=receiver.url("/c"), format="discord", before="1h", quiet=True)
    daemon.ctl_ok("pause", paused)
    daemon.ctl_ok("unsubscribe", removed)
    daemon.ctl_ok("concert", "cancel", "incheon-2019")
    counts = daemon.delivery_counts()
    assert counts.get("skipped", 0) >= 4, counts
    scraped = scrape(port)
    assert scraped.total("concertd_deliveries_total", state="skipped") == counts["skipped"], scraped.text
    assert scraped.total("concertd_deliveries_total", state="skipped", kind="reminder", channel="slack") == 2
    assert scraped.total("concertd_deliveries_total", state="skipped", kind="reminder", channel="generic") == 1

    # A resumed subscription's skipped reminders are scheduled again: a counter cannot go down, and
    # a restart (which starts the counters from the database) must not make it.
    daemon.ctl_ok("resume", paused)
    again = scrape(port).total("concertd_deliveries_total", state="skipped")
    assert again >= scraped.total("concertd_deliveries_total", state="skipped")
    daemon.restart("2019-10-24T13:00+09:00", 1)
    assert scrape(port).total("concertd_deliveries_total", state="skipped") >= again, "the counter went down"


def test_a_failure_retries_and_failing_destinations_are_counted(make_daemon, receiver, smtp):
    port = free_port()
    daemon = metrics_daemon(make_daemon, port, smtp=smtp.url,
                            config={"retry_initial": "30s", "http_connect_timeout": "1s"})
    receiver.script("/flaky", [Answer(500), Answer(204)])  # retried once, then sent
    receiver.always("/bad", Answer(400))  # refused for good: failed at once
    daemon.start(START, RATE)
    daemon.subscribe("gongju", webhook=receiver.url("/flaky"), format="slack", before="1h", quiet=True)
    daemon.subscribe("gongju", webhook=receiver.url("/bad"), format="generic", before="1h", quiet=True)
    # A host that refuses every connection (the receiver listens on 127.0.0.1 only): after three
    # messages in a row it is a failing destination, and each message keeps being retried.
    for n in range(3):
        daemon.subscribe("gongju", webhook=f"http://127.0.0.2:{receiver.port}/down/{n}", format="discord",
                         before="1h", quiet=True)
    # The smarthost down: it is held as a whole (destination_failed), and its mail waits.
    daemon.subscribe("gongju", email="listener@example.org", before="1h", quiet=True)
    smtp.down()

    def settled():
        status = daemon.status()
        counts = status["counts"]["deliveries"]
        done = counts.get("sent") == 1 and counts.get("failed") == 1 and len(status["failing_destinations"]) == 2
        return status if done else None
    status = poll_until(settled, 60, interval=0.2, what="one sent, one failed and a failing destination")
    scraped = scrape(port)
    assert scraped.value("concertd_deliveries_total", state="sent", kind="reminder", channel="slack") == 1
    assert scraped.value("concertd_deliveries_total", state="failed", kind="reminder", channel="generic") == 1
    assert scraped.total("concertd_deliveries_total", channel="discord") == 0, "a retried message counted as final"
    assert scraped.total("concertd_deliveries_total", channel="email") == 0, "a held message counted as final"
    # Webhook failures are each message's own (`retryable`): the 500 once, each refused message at least once.
    assert scraped.value("concertd_delivery_retries_total", reason="retryable") >= 1 + 3, scraped.text
    assert scraped.value("concertd_delivery_retries_total", reason="destination_failed") >= 1, scraped.text
    assert scraped.value("concertd_failing_destinations") == len(status["failing_destinations"]) == 2
    assert scraped.total("concertd_send_duration_seconds_count", channel="discord") >= 3
    assert scraped.total("concertd_send_duration_seconds_count", channel="slack") == 2
    # Four messages wait for a retry (one may be in a send at this moment: not in the outbox then).
    assert 3 <= scraped.value("concertd_outbox_depth") <= 4
    assert promtool("check", "metrics", stdin=scraped.text).returncode == 0


def test_promtool_passes_the_example_rules_which_name_only_metrics_the_daemon_serves(make_daemon, receiver):
    checked = promtool("check", "rules", str(RULES))
    assert checked.returncode == 0 and "SUCCESS: 3 rules found" in checked.stdout, checked
    tested = promtool("test", "rules", "concertd-rules.test.yml", cwd=PROMETHEUS_DOCS)
    assert tested.returncode == 0 and "SUCCESS" in tested.stdout, tested

    # A scrape after one send: every series the rules read is served under that name.
    port = free_port()
    daemon = metrics_daemon(make_daemon, port)
    daemon.start(START, RATE)
    daemon.subscribe("gongju", webhook=receiver.url("/rules"), format="slack", before="1h", quiet=True)
    daemon.wait_until_settled(1, timeout=60)
    served = scrape(port).sample_names()
    expressions = re.findall(r"expr: (\|\n(?:\s{10}.*\n)+|.*\n)", RULES.read_text())
    assert len(expressions) == 3, expressions
    named = set()
    for expression in expressions:
        named |= set(re.findall(r"\b(?:concertd_|process_)[a-z_]+", expression))
    assert named, expressions
    assert named <= served, f"the rules name {sorted(named - served)}, which the daemon does not serve"


def test_healthz_turns_503_with_the_reason_while_the_database_cannot_be_read_and_back(make_daemon):
    port = free_port()
    daemon = metrics_daemon(make_daemon, port)
    daemon.start(START, 1)
    healthy = get(f"http://127.0.0.1:{port}/healthz")
    assert healthy.status == 200 and healthy.body.strip() == "ok", healthy

    with UnreadableDatabase(daemon.database_path):
        unhealthy = wait_for_health(port, 503, timeout=30)
        assert "database" in unhealthy.body, unhealthy
        assert scrape(port).value("concertd_store_up") == 0
    healthy = wait_for_health(port, 200, timeout=30)
    assert healthy.body.strip() == "ok", healthy
    assert poll_until(lambda: scrape(port).value("concertd_store_up") == 1, 30, interval=0.5,
                      what="concertd_store_up back to 1")
    assert daemon.running, daemon.log()[-3000:]
    assert daemon.status()["counts"] is not None


def test_sixteen_health_checks_at_once_are_each_answered_within_seconds(make_daemon):
    """Probes arriving together (Prometheus, a load balancer) do not wait on each other: the ones
    waiting for an answer must not hold the threads the answer needs (each waited 8 s when they did)."""
    port = free_port()
    daemon = metrics_daemon(make_daemon, port)
    daemon.start(START, 1)
    barrier = threading.Barrier(16)
    answers = []

    def probe():
        barrier.wait()
        began = time.monotonic()
        status = get(f"http://127.0.0.1:{port}/healthz", timeout=30).status
        answers.append((status, time.monotonic() - began))

    threads = [threading.Thread(target=probe) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 16 and all(status == 200 for status, _ in answers), answers
    slowest = max(seconds for _, seconds in answers)
    assert slowest < 3, f"the slowest of 16 health checks took {slowest:.1f} s"


def test_a_restart_starts_the_counters_from_the_database(make_daemon, receiver):
    port = free_port()
    daemon = metrics_daemon(make_daemon, port)
    daemon.start(START, RATE)
    first = daemon.subscribe("gongju", webhook=receiver.url("/a"), format="slack", before="1h", quiet=True)["id"]
    daemon.subscribe("gongju", webhook=receiver.url("/b"), format="generic", before="1h", quiet=True)
    daemon.wait_until_settled(2, timeout=60)
    before = scrape(port)
    totals = {tuple(sorted(s.labels.items())): s.value for s in before.matching("concertd_deliveries_total")}
    assert sum(v for k, v in totals.items() if ("state", "sent") in k) == 2, before.text

    daemon.restart("2019-10-24T13:30+09:00", 1)
    after = scrape(port)
    assert {tuple(sorted(s.labels.items())): s.value for s in after.matching("concertd_deliveries_total")} == totals
    assert after.total("concertd_deliveries_total", state="sent") == final_counts(daemon)["sent"] == 2
    assert after.total("concertd_send_lateness_seconds_count") == 0, "histograms are of this run's sends"

    # And they go on counting from there: a test message.
    assert daemon.ctl_ok("test", first)
    poll_until(lambda: scrape(port).total("concertd_deliveries_total", kind="test", state="sent") == 1, 30,
               what="the test message counted")
    last = scrape(port)
    assert last.value("concertd_deliveries_total", state="sent", kind="reminder", channel="slack") == 1
    assert last.value("concertd_deliveries_total", state="sent", kind="test", channel="slack") == 1


def test_the_listener_answers_bad_http_and_idle_connections_without_harm(make_daemon):
    port = free_port()
    daemon = metrics_daemon(make_daemon, port)
    daemon.start(START, 1)

    def exchange(data, timeout=10):
        """Sends raw bytes; returns what comes back until the listener closes or goes quiet."""
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
            connection.sendall(data)
            connection.shutdown(socket.SHUT_WR)
            answer = b""
            try:
                while chunk := connection.recv(65536):
                    answer += chunk
            except (socket.timeout, ConnectionResetError):
                pass
            return answer

    assert not exchange(b"GARBAGE\r\n\r\n").startswith(b"HTTP/1.1 200")
    assert not exchange(b"\x00\xff" * 5000).startswith(b"HTTP/1.1 200")
    huge = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n"
    assert not exchange(huge).startswith(b"HTTP/1.1 200")
    assert exchange(b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello").startswith(
        b"HTTP/1.1 405")
    assert exchange(b"GET /healthz HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.0 200") or \
        exchange(b"GET /healthz HTTP/1.0\r\n\r\n").startswith(b"HTTP/1.1 200")

    # 200 connections opened and left idle, some with half a request: scrapes still answer at once.
    idle = []
    try:
        for n in range(200):
            connection = socket.create_connection(("127.0.0.1", port), timeout=10)
            if n % 2:
                connection.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n")
            idle.append(connection)
        started = time.monotonic()
        assert scrape(port, timeout=10).value("concertd_store_up") == 1
        assert get(f"http://127.0.0.1:{port}/healthz", timeout=10).status == 200
        assert time.monotonic() - started < 5, "a scrape waited behind idle connections"
    finally:
        for connection in idle:
            connection.close()
    assert daemon.running and daemon.ctl("status").returncode == 0, daemon.log()[-3000:]


@pytest.mark.parametrize("value, named", [
    ("localhost", "'localhost' has no port"),
    ("127.0.0.1:", "is not a port"),
    ("127.0.0.1:99999", "'99999' is not a port"),
    ("127.0.0.1:http", "'http' is not a port"),
    ("127.0.0.1:9464/metrics", "'9464/metrics' is not a port"),
    ("http://127.0.0.1:9464", "is a URL"),
    ("300.1.2.3:9464", "'300.1.2.3' is not an IPv4 address"),
    ("::1:9464", "brackets"),
    ("[::1:9464", "closing ]"),
])
def test_a_malformed_metrics_listen_is_refused_by_check_config_and_at_start(make_daemon, value, named):
    daemon = make_daemon(config={"metrics_listen": value})
    code, stderr = daemon.run_to_exit()
    assert code == 78 and "metrics_listen" in stderr and named in stderr, (code, stderr)
    assert not daemon.database_path.exists(), "a refused start created the database"
    check = subprocess.run([str(daemon.binaries / "concertd"), "check-config", str(daemon.config_path)],
                           capture_output=True, text=True, timeout=30)
    assert check.returncode != 0 and "metrics_listen" in check.stderr and named in check.stderr, check

    flag = make_daemon("flag")
    code, stderr = flag.run_to_exit(extra=["--metrics-listen", value])
    assert code in (64, 78) and "metrics-listen" in stderr and named in stderr, (code, stderr)


def test_a_metrics_listen_the_daemon_cannot_bind_stops_the_start_naming_it(make_daemon):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        daemon = make_daemon("in-use", config={"metrics_listen": f"127.0.0.1:{port}"})
        code, stderr = daemon.run_to_exit()
    # 75 (EX_TEMPFAIL): a port in use may be freed (an old concertd still stopping); systemd retries.
    assert code == 75 and "metrics_listen" in stderr and f"127.0.0.1:{port}" in stderr, (code, stderr)
    assert "in use" in stderr.lower(), stderr

    # An address of no interface of this machine (TEST-NET-1): 78, only a person can mend it.
    daemon = make_daemon("not-here", config={"metrics_listen": "192.0.2.1:9464"})
    code, stderr = daemon.run_to_exit()
    assert code == 78 and "metrics_listen" in stderr and "192.0.2.1:9464" in stderr, (code, stderr)
    assert "not one of this machine's" in stderr, stderr


@pytest.mark.skipif(shutil.which("prometheus") is None, reason="Debian's prometheus package is not installed")
def test_a_real_prometheus_scrapes_the_daemon_with_the_documented_job_and_loads_the_rules(make_daemon, workdir):
    port = free_port()
    daemon = metrics_daemon(make_daemon, port)
    daemon.start(START, 1)
    # The documented job, pointed at this daemon, scraped every second, with the rules from docs/.
    config = (PROMETHEUS_DOCS / "prometheus.yml").read_text()
    assert '- targets: ["127.0.0.1:9464"]' in config and "/etc/prometheus/concertd-rules.yml" in config
    config = (config.replace("127.0.0.1:9464", f"127.0.0.1:{port}")
              .replace("/etc/prometheus/concertd-rules.yml", str(RULES))
              .replace("scrape_interval: 30s", "scrape_interval: 1s")
              .replace("scrape_timeout: 10s", "scrape_timeout: 1s"))
    (workdir / "prometheus.yml").write_text(config)
    web = free_port()
    log = open(workdir / "prometheus.log", "wb")
    server = subprocess.Popen(["prometheus", f"--config.file={workdir / 'prometheus.yml'}",
                               f"--storage.tsdb.path={workdir / 'tsdb'}", f"--web.listen-address=127.0.0.1:{web}"],
                              stdout=log, stderr=log)
    log.close()
    try:
        def query(expression):
            answer = get(f"http://127.0.0.1:{web}/api/v1/query?query={expression}", timeout=10)
            return json.loads(answer.body)["data"]["result"] if answer.status == 200 else None

        def scraped():
            try:
                result = query("up%7Bjob%3D%22concertd%22%7D")
            except (OSError, ValueError):
                return None
            return result if result and result[0]["value"][1] == "1" else None
        poll_until(scraped, 60, interval=0.5, what="Prometheus scraping concertd (up == 1)")
        assert query("concertd_store_up")[0]["value"][1] == "1"
        rules = json.loads(get(f"http://127.0.0.1:{web}/api/v1/rules").body)["data"]["groups"]
        loaded = {rule["name"]: rule["health"] for group in rules for rule in group["rules"]}
        assert set(loaded) == {"ConcertdDeliveriesFailing", "ConcertdRemindersLate", "ConcertdDestinationFailing"}
    finally:
        server.terminate()
        server.wait(timeout=30)

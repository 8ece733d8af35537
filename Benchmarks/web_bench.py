#!/usr/bin/env python3
"""The web front door's speed (issue 17), for BENCHMARKS.md "web" and `make bench`.

  front     wrk on GET / with 16 connections over 2 threads, first as a new visitor (no cookie: the
            page sets its CSRF cookie) and then as one holding the cookie: requests/s and p99
            latency (targets ≥ 10,000 requests/s, p99 ≤ 5 ms).
  oneclick  N email subscriptions imported in bulk through the control socket (subscribe.bulk),
            their reminders sent on a shifted clock to an SMTP peer in this process that keeps each
            message's List-Unsubscribe URL; then the RFC 8058 one-click POST for each, over 16
            keep-alive connections: unsubscribes per second (target ≥ 2,000/s), checked in the
            database afterwards (N subscriptions removed).
  idle      two daemons with nothing due for weeks, the web listener off and on, side by side for
            S seconds without NOTIFY_SOCKET: context switches of each thread and which woke.

  python3 Benchmarks/web_bench.py [--only front,oneclick,idle] [--bin-dir DIR] [--seconds S]
          [--subscriptions N] [--idle-seconds S]

Skips, saying why, when this concertd has no web listener (`concertd run --help` names no
`--web-listen`), when wrk is missing (front), or aiosmtpd (oneclick). BIN_DIR is the release build.
"""
import argparse
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from benchlib import proc, scenarios, sinks  # noqa: E402
from benchlib.control import import_lines  # noqa: E402
from benchlib.figures import Results  # noqa: E402

CATALOG = os.path.join(ROOT, "etc", "concertd", "concerts.json5")
SCENARIO = "web"
CONNECTIONS = 16
THREADS = 2


def has_web_listener(bin_dir):
    """Whether `concertd run --help` (the daemon's flags) names `--web-listen`."""
    text = ""
    for args in (["--help"], ["run", "--help"]):
        result = subprocess.run([os.path.join(bin_dir, "concertd"), *args], capture_output=True, text=True, timeout=30)
        text += result.stdout + result.stderr
    return "--web-listen" in text


def web_settings(port):
    return {"web_listen": f"127.0.0.1:{port}", "web_base_url": f"http://127.0.0.1:{port}"}


def wait_for_page(port, timeout=30):
    import http.client
    deadline = time.monotonic() + timeout
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/")
            answer = connection.getresponse()
            body = answer.read()
            connection.close()
            if answer.status == 200:
                return answer, body
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the web listener on {port} did not answer GET / within {timeout} s")
        time.sleep(0.1)


# --- front page: wrk ---

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def milliseconds(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def run_wrk(url, seconds, headers=()):
    command = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency", "--timeout", "5s"]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run(command + [url], capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = milliseconds(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = milliseconds(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    return rate, p50, p99, int(bad.group(1)) if bad else 0, errors.group(0) if errors else "", out


def front(ctx, seconds):
    if not shutil.which("wrk"):
        ctx.results.note(SCENARIO, "front page skipped: wrk is missing (scripts/ensure-deps.sh bench installs it)")
        return
    port = sinks.free_port()
    daemon = ctx.daemon("web-front", settings=web_settings(port), clock_start=scenarios.SEASON_EVE,
                        smtp="smtp://127.0.0.1:9", mail_from="bench@example.org")
    daemon.start()
    try:
        answer, body = wait_for_page(port)
        cookie = answer.getheader("Set-Cookie", "").split(";", 1)[0]
        url = f"http://127.0.0.1:{port}/"
        run_wrk(url, 2)  # warm up
        for label, headers in (("a new visitor (no cookie)", ()),
                               ("a visitor holding the CSRF cookie", (f"Cookie: {cookie}",) if cookie else ())):
            load = proc.load_text()
            cpu_before = daemon.cpu_seconds()
            rate, p50, p99, bad, errors, out = run_wrk(url, seconds, headers)
            cpu = daemon.cpu_seconds() - cpu_before
            note = (f"p50 {p50:.2f} ms; {len(body):,} bytes a page; daemon CPU {cpu / seconds * 100:.0f} % of a core, "
                    f"{cpu / max(rate * seconds, 1) * 1e6:.0f} µs a request")
            if bad or errors:
                note += f"; {bad} non-2xx answers {errors}"
            ctx.results.add(SCENARIO, f"GET / as {label}, wrk {CONNECTIONS} connections {seconds} s", rate,
                            "requests/s", target="≥ 10,000/s", met=rate >= 10_000 and not bad, load=load, note=note)
            ctx.results.add(SCENARIO, f"GET / as {label}: p99 latency", p99, "ms", "{:.2f}", target="≤ 5 ms",
                            met=p99 <= 5, load=load)
    finally:
        daemon.stop()


# --- one-click unsubscribes ---

class UnsubscribeCollector:
    """An SMTP server (aiosmtpd) in this process that keeps each message's List-Unsubscribe URL."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        collector = self
        self.urls = []
        self.messages = 0
        self.lock = threading.Lock()

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                head = envelope.original_content.split(b"\r\n\r\n", 1)[0].replace(b"\r\n ", b" ")
                match = re.search(rb"^List-Unsubscribe:\s*(.*)$", head, re.M | re.I)
                with collector.lock:
                    collector.messages += 1
                    if match:
                        found = re.findall(rb"<(https?://[^>]+)>", match.group(1))
                        if found:
                            collector.urls.append(found[0].decode())
                return "250 2.0.0 Ok"

        self.port = sinks.free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, ready_timeout=10)
        self.controller.start()

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def stop(self):
        self.controller.stop()


async def post_all(port, paths, connections):
    """POSTs `List-Unsubscribe=One-Click` to each path over `connections` keep-alive connections.
    Returns (seconds, {status: count}, latencies in ms)."""
    queue = list(reversed(paths))
    statuses = {}
    latencies = []
    body = b"List-Unsubscribe=One-Click"

    async def worker():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while queue:
                path = queue.pop()
                request = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                           f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
                           ).encode() + body
                started = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                if length:
                    await reader.readexactly(int(length.group(1)))
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
                if re.search(rb"(?im)^connection:\s*close", head):
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return time.perf_counter() - started, statuses, latencies


def oneclick(ctx, count):
    try:
        collector = UnsubscribeCollector()
    except ImportError:
        ctx.results.note(SCENARIO, "one-click skipped: aiosmtpd is missing (scripts/ensure-deps.sh test installs it)")
        return
    port = sinks.free_port()
    daemon = None
    try:
        daemon = ctx.daemon("web-oneclick", settings=web_settings(port), clock_start=scenarios.SEASON_EVE,
                            smtp=collector.url, mail_from="bench@example.org")
        daemon.start()
        city, _, starts_at = scenarios.pick_concert(daemon.database)
        due_ms = starts_at - 30 * scenarios.DAY_MS
        lines = [json.dumps({"cities": [city], "before": "30d", "lang": "en", "email": f"reader{i}@example.org"})
                 for i in range(count)]
        seconds, imported, rejected, _ = import_lines(daemon.socket_path, lines)
        if imported != count:
            raise RuntimeError(f"one-click: imported {imported} of {count} ({rejected} rejected)")
        daemon.stop()
        daemon.start(clock_start=scenarios.iso(due_ms - 4000))
        deadline = time.monotonic() + 60 + count / 100
        while time.monotonic() < deadline and len(collector.urls) < count:
            time.sleep(0.25)
        urls = list(collector.urls)
        if len(urls) < count:
            ctx.results.note(SCENARIO, f"one-click: {len(urls)} reminders with a List-Unsubscribe URL of {count} "
                             f"({collector.messages} messages); see {daemon.log_path}")
            if not urls:
                return
        paths = [re.sub(r"^https?://[^/]+", "", url) for url in urls]
        wait_for_page(port)
        load = proc.load_text()
        cpu_before = daemon.cpu_seconds()
        took, statuses, latencies = asyncio.run(post_all(port, paths, CONNECTIONS))
        cpu = daemon.cpu_seconds() - cpu_before
        with scenarios.read_only(daemon.database) as db:
            states = dict(db.execute("SELECT state, COUNT(*) FROM subscription GROUP BY state"))
        rate = len(paths) / took
        ok = statuses.get(200, 0)
        ctx.results.add(SCENARIO, f"one-click unsubscribes, {len(paths):,} over {CONNECTIONS} keep-alive connections",
                        rate, "unsubscribes/s", target="≥ 2,000/s", met=rate >= 2000 and ok == len(paths), load=load,
                        note=f"answers {statuses}; p99 {proc.percentile(latencies, 99):.2f} ms; "
                             f"daemon CPU {cpu / len(paths) * 1e6:.0f} µs each; subscriptions by state {states}")
    finally:
        if daemon is not None:
            daemon.stop()
        collector.stop()


# --- idle wake-ups ---

def idle(ctx, seconds):
    daemons = {}
    for listener in (False, True):
        name = "web-idle-on" if listener else "web-idle-off"
        settings = web_settings(sinks.free_port()) if listener else {}
        daemons[listener] = ctx.daemon(name, settings=settings, clock_start=scenarios.SEASON_EVE, notify=False,
                                       smtp="smtp://127.0.0.1:9", mail_from="bench@example.org")
        daemons[listener].start()
    try:
        port = int(daemons[True].settings["web_listen"].rsplit(":", 1)[1])
        wait_for_page(port)  # the listener has served a page, as after a first visitor
        time.sleep(5)
        load = proc.load_text()
        before = {listener: proc.thread_switches(d.pid) for listener, d in daemons.items()}
        time.sleep(seconds)
        for listener, daemon in daemons.items():
            after = proc.thread_switches(daemon.pid)
            start = {tid: v + n for tid, _, v, n in before[listener]}
            woke = [(tid, name, v + n - start.get(tid, 0)) for tid, name, v, n in after]
            total = sum(count for _, _, count in woke)
            busy = ", ".join(f"{name}[{tid}] +{count}" for tid, name, count in woke if count) or "none"
            label = "on" if listener else "off"
            ctx.results.add(SCENARIO, f"idle daemon, web listener {label}: context switches over {seconds} s",
                            total, "", target="no periodic wake-ups" if not listener else "",
                            met=(total <= 2) if not listener else None, load=load,
                            note=f"{total / seconds:.2f} a second; woke: {busy}")
    finally:
        for daemon in daemons.values():
            daemon.stop()


def scenario(ctx, seconds=10, subscriptions=5_000, idle_seconds=60, only=("front", "oneclick", "idle")):
    """The `web` scenario of Benchmarks/run.py."""
    if not has_web_listener(ctx.bin_dir):
        ctx.results.note(SCENARIO, "skipped: this concertd has no web listener (`concertd run --help` names no "
                         "--web-listen)")
        return
    if "front" in only:
        front(ctx, seconds)
    if "oneclick" in only:
        oneclick(ctx, subscriptions)
    if "idle" in only:
        idle(ctx, idle_seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="front,oneclick,idle")
    parser.add_argument("--bin-dir", default=None, help="default: swift build -c release --show-bin-path")
    parser.add_argument("--seconds", type=int, default=10, help="each wrk run")
    parser.add_argument("--subscriptions", type=int, default=5_000)
    parser.add_argument("--idle-seconds", type=int, default=60)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if args.bin_dir is None:
        args.bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT,
                                      capture_output=True, text=True, check=True).stdout.strip()
    args.daemon_settings = {}
    root = tempfile.mkdtemp(prefix="web-bench-")
    print(f"web bench: {args.bin_dir}, {proc.load_text()}; working in {root}", flush=True)
    ctx = scenarios.Context(root, args.bin_dir, CATALOG, None, None, Results(), None, args)
    try:
        scenario(ctx, args.seconds, args.subscriptions, args.idle_seconds, args.only.split(","))
    finally:
        ctx.stop_all()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

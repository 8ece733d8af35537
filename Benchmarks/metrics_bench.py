#!/usr/bin/env python3
"""The metrics listener's costs (issue 19), for BENCHMARKS.md "Metrics".

  scrape   a daemon holding N subscriptions (default 1,000,000, 3 offsets each, filled by
           Benchmarks/StoreScale through the import's own code): GET /metrics timed from the
           request to the last byte, M times (default 50) over one keep-alive connection as
           Prometheus scrapes, and M times with a new connection each; median, p95, max, the
           daemon's CPU per scrape and the scrape's size.
  fanout   N `generic` webhooks due at one moment to nginx (16 loopback hosts), the listener off and
           on in turn (same binary, alternating runs); with it on, /metrics is scraped every second
           during the fan-out. The daemon's user+sys CPU per delivery from its start to the last
           row sent, and deliveries per second.
  idle     two daemons with nothing due for weeks, one without the listener and one with it, side
           by side for S seconds (default 60), without NOTIFY_SOCKET (whose STATUS= updates every
           5 s would wake both): context switches of each thread (/proc/PID/task/*/status,
           voluntary and involuntary) and which threads woke; then `strace -f` of the one with the
           listener for a few seconds, to see what the waking thread does.

  python3 Benchmarks/metrics_bench.py [--only scrape,fanout,idle] [--bin-dir DIR] [--subscriptions N]
          [--scrapes M] [--fanout N] [--rounds R] [--idle-seconds S]

BIN_DIR is the release build (`swift build -c release --product concertd --product StoreScale`);
nginx comes from Debian's nginx-light (run.py installs it). Prints one line per figure with the load.
"""
import argparse
import http.client
import json
import os
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
from benchlib.daemon import Daemon  # noqa: E402

CATALOG = os.path.join(ROOT, "etc", "concertd", "concerts.json5")


def say(text):
    print(text, flush=True)


def distribution(samples_ms):
    return (f"median {proc.percentile(samples_ms, 50):.2f} ms, p95 {proc.percentile(samples_ms, 95):.2f} ms, "
            f"max {max(samples_ms):.2f} ms")


def timed_scrapes(port, count, keep_alive):
    """Milliseconds from sending GET /metrics to its last byte, `count` times; and the last body."""
    times = []
    body = b""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30) if keep_alive else None
    for _ in range(count):
        if not keep_alive:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        start = time.perf_counter()
        connection.request("GET", "/metrics")
        answer = connection.getresponse()
        body = answer.read()
        times.append((time.perf_counter() - start) * 1000)
        if answer.status != 200:
            raise RuntimeError(f"/metrics answered {answer.status}: {body[:300]!r}")
        if not keep_alive:
            connection.close()
    if keep_alive:
        connection.close()
    return times, body


def scrape(args, root):
    directory = os.path.join(root, "scrape")
    daemon = Daemon(os.path.join(args.bin_dir, "concertd"), directory, CATALOG,
                    settings={"metrics_listen": f"127.0.0.1:{sinks.free_port()}"},
                    clock_start="2019-09-20T00:00+09:00", smtp="smtp://127.0.0.1:9", mail_from="bench@example.org",
                    name="scrape")
    port = int(daemon.settings["metrics_listen"].rsplit(":", 1)[1])
    store_scale = os.path.join(args.bin_dir, "StoreScale")
    say(f"scrape: filling {daemon.database} with {args.subscriptions:,} subscriptions (StoreScale); {proc.load_text()}")
    started = time.perf_counter()
    out = subprocess.run([store_scale, str(args.subscriptions), daemon.database], capture_output=True, text=True,
                         check=True)
    say(f"scrape: filled in {time.perf_counter() - started:.0f} s: {out.stdout.strip().splitlines()[0]}")
    # Start to READY=1 on this database without the listener, then with it (which first counts the
    # finished deliveries of the whole outbox, for the counters), twice each, alternating.
    listen = daemon.settings.pop("metrics_listen")
    ready = {False: [], True: []}
    for listener in (False, True, False, True):
        if listener:
            daemon.settings["metrics_listen"] = listen
        else:
            daemon.settings.pop("metrics_listen", None)
        daemon.start()
        ready[listener].append(daemon.ready_seconds * 1000)
        if len(ready[True]) < 2:
            daemon.stop()
    say(f"scrape | start to READY=1 with {args.subscriptions:,} subscriptions: listener off "
        f"{', '.join(f'{ms:.0f}' for ms in ready[False])} ms, on {', '.join(f'{ms:.0f}' for ms in ready[True])} ms "
        f"[target ≤ 2 s] ({proc.load_text()})")
    try:
        with scenarios.read_only(daemon.database) as db:
            subscriptions = db.execute("SELECT COUNT(*) FROM subscription").fetchone()[0]
        timed_scrapes(port, 5, keep_alive=True)  # warm up: first reads of the counters' pages
        load = proc.load_text()
        cpu_before = daemon.cpu_seconds()
        kept, body = timed_scrapes(port, args.scrapes, keep_alive=True)
        cpu = (daemon.cpu_seconds() - cpu_before) / args.scrapes * 1000
        fresh, _ = timed_scrapes(port, args.scrapes, keep_alive=False)
        load_after = proc.load_text()
        lines = body.decode().splitlines()
        samples = sum(1 for line in lines if line and not line.startswith("#"))
        say(f"scrape | {subscriptions:,} subscriptions, {args.scrapes} scrapes over one keep-alive connection: "
            f"{distribution(kept)} [target ≤ 20 ms] ({load} → {load_after})")
        say(f"scrape | the same with a new connection each: {distribution(fresh)}")
        say(f"scrape | daemon CPU per scrape {cpu:.2f} ms (clock ticks of 10 ms over {args.scrapes}); "
            f"{len(body):,} bytes, {samples} samples")
    finally:
        daemon.stop()


def fanout_once(args, root, nginx, round_number, listener):
    """One fan-out of `args.fanout` signed webhooks; returns (CPU µs per delivery, deliveries/s)."""
    name = f"fanout-{round_number}-{'on' if listener else 'off'}"
    settings = {"metrics_listen": f"127.0.0.1:{sinks.free_port()}"} if listener else {}
    daemon = Daemon(os.path.join(args.bin_dir, "concertd"), os.path.join(root, name), CATALOG, settings=settings,
                    clock_start=scenarios.SEASON_EVE, name=name)
    daemon.start()
    city, _, starts_at = scenarios.pick_concert(daemon.database)
    due_ms = starts_at - 30 * scenarios.DAY_MS
    lines = [json.dumps({"cities": [city], "before": "30d", "lang": "en", "format": "generic",
                         "secret": scenarios.SECRET,
                         "webhook": nginx.url(f"/hook/{i}", host=sinks.SPREAD_HOSTS[i % len(sinks.SPREAD_HOSTS)])})
             for i in range(args.fanout)]
    _, imported, rejected, _ = import_lines(daemon.socket_path, lines)
    if imported != args.fanout:
        raise RuntimeError(f"{name}: imported {imported} ({rejected} rejected)")
    daemon.stop()
    margin_s = 4 + args.fanout // 25_000
    daemon.start(clock_start=scenarios.iso(due_ms - margin_s * 1000))
    cpu_before = daemon.cpu_seconds()
    load = proc.load_text()
    stop_scraping = threading.Event()
    scrapes = []
    if listener:
        port = int(settings["metrics_listen"].rsplit(":", 1)[1])

        def scraper():
            while not stop_scraping.wait(1.0):
                scrapes.append(timed_scrapes(port, 1, keep_alive=False)[0][0])
        threading.Thread(target=scraper, daemon=True).start()
    deadline = time.monotonic() + margin_s + 120 + args.fanout / 500
    with daemon.client() as client:
        while time.monotonic() < deadline:
            counts = client.call("status")["counts"]["deliveries"]
            if counts.get("sent", 0) + counts.get("failed", 0) >= args.fanout:
                break
            time.sleep(0.25)
    cpu = daemon.cpu_seconds() - cpu_before
    stop_scraping.set()
    daemon.stop()
    with scenarios.read_only(daemon.database) as db:
        sent, first, last = db.execute("SELECT COUNT(*), MIN(finished_at), MAX(finished_at) FROM delivery "
                                       "WHERE kind = 'reminder' AND state = 'sent'").fetchone()
    rate = sent / max((last - due_ms) / 1000, 1e-3)
    per_delivery = cpu / max(sent, 1) * 1e6
    say(f"fanout | round {round_number}, listener {'on ' if listener else 'off'}: {sent:,} sent, "
        f"{per_delivery:.1f} µs CPU per delivery, {rate:,.0f} deliveries/s"
        + (f", {len(scrapes)} scrapes during it" if listener else "") + f" ({load})")
    shutil.rmtree(daemon.directory, ignore_errors=True)
    return per_delivery, rate


def fanout(args, root):
    nginx = sinks.Nginx(root).start()
    results = {False: [], True: []}
    try:
        for round_number in range(1, args.rounds + 1):
            # Alternate which goes first, so a drift in the machine's load falls on both.
            order = (False, True) if round_number % 2 else (True, False)
            for listener in order:
                results[listener].append(fanout_once(args, root, nginx, round_number, listener))
    finally:
        nginx.stop()
    for listener in (False, True):
        cpus = sorted(cpu for cpu, _ in results[listener])
        rates = sorted(rate for _, rate in results[listener])
        say(f"fanout | listener {'on ' if listener else 'off'}: CPU per delivery {', '.join(f'{c:.1f}' for c in cpus)} µs"
            f" (median {proc.percentile(cpus, 50):.1f}); deliveries/s {', '.join(f'{r:,.0f}' for r in rates)}")
    off = proc.percentile([c for c, _ in results[False]], 50)
    on = proc.percentile([c for c, _ in results[True]], 50)
    say(f"fanout | on ÷ off, median CPU per delivery: {on / off:.3f}")


def idle(args, root):
    daemons = {}
    for listener in (False, True):
        name = "idle-on" if listener else "idle-off"
        settings = {"metrics_listen": f"127.0.0.1:{sinks.free_port()}"} if listener else {}
        daemons[listener] = Daemon(os.path.join(args.bin_dir, "concertd"), os.path.join(root, name), CATALOG,
                                   settings=settings, clock_start=scenarios.SEASON_EVE, notify=False, name=name)
        daemons[listener].start()
    try:
        port = int(daemons[True].settings["metrics_listen"].rsplit(":", 1)[1])
        timed_scrapes(port, 1, keep_alive=False)  # the listener has answered once, as after a first scrape
        time.sleep(5)  # start-up work settles
        load = proc.load_text()
        before = {listener: proc.thread_switches(d.pid) for listener, d in daemons.items()}
        cpu_before = {listener: d.cpu_seconds() for listener, d in daemons.items()}
        time.sleep(args.idle_seconds)
        for listener, daemon in daemons.items():
            after = proc.thread_switches(daemon.pid)
            start = {tid: v + n for tid, _, v, n in before[listener]}
            woke = [(tid, name, v + n - start.get(tid, 0)) for tid, name, v, n in after]
            total = sum(count for _, _, count in woke)
            cpu = daemon.cpu_seconds() - cpu_before[listener]
            busy = ", ".join(f"{name}[{tid}] +{count}" for tid, name, count in woke if count)
            say(f"idle | listener {'on ' if listener else 'off'}: {total} context switches in {args.idle_seconds} s, "
                f"CPU {cpu:.2f} s, {len(after)} threads ({load}); woke: {busy or 'none'}")
        if shutil.which("strace") and args.strace_seconds:
            trace = os.path.join(root, "idle-on.strace")
            subprocess.run(["timeout", "-s", "INT", str(args.strace_seconds), "strace", "-f", "-tt", "-o", trace,
                            "-p", str(daemons[True].pid)], capture_output=True)
            with open(trace) as f:
                calls = [line.rstrip() for line in f if "resumed" not in line]
            say(f"idle | strace -f of the listener-on daemon for {args.strace_seconds} s: {len(calls)} system calls; "
                "first lines:\n    " + "\n    ".join(calls[:16]))
    finally:
        for daemon in daemons.values():
            daemon.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="scrape,fanout,idle")
    parser.add_argument("--bin-dir", default=None, help="default: swift build -c release --show-bin-path")
    parser.add_argument("--subscriptions", type=int, default=1_000_000)
    parser.add_argument("--scrapes", type=int, default=50)
    parser.add_argument("--fanout", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--idle-seconds", type=int, default=60)
    parser.add_argument("--strace-seconds", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    if args.bin_dir is None:
        args.bin_dir = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT,
                                      capture_output=True, text=True, check=True).stdout.strip()
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    say(f"metrics bench: {args.bin_dir} (checkout {commit}), {proc.load_text()}")
    root = tempfile.mkdtemp(prefix="metrics-bench-")
    try:
        only = args.only.split(",")
        if "idle" in only:
            idle(args, root)
        if "scrape" in only:
            scrape(args, root)
        if "fanout" in only:
            fanout(args, root)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

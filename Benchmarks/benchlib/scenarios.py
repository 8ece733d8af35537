"""The scenarios of issue 10. Each takes the run's Context and adds its figures to ctx.results."""
import datetime
import json
import math
import os
import re
import sqlite3
import subprocess
import time

from . import proc
from .control import ControlClient, ControlError, import_lines
from .daemon import Daemon
from .sinks import SPREAD_HOSTS

KST = datetime.timezone(datetime.timedelta(hours=9))
DAY_MS = 86_400_000
# A base64 Standard Webhooks secret: every webhook subscription is `generic` and signed.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
# Before the whole 2019 season: nothing is due for weeks.
SEASON_EVE = "2019-09-01T00:00+09:00"


class Context:
    def __init__(self, root, bin_dir, catalog, nginx, smtp, results, venv_python, args):
        self.root = root
        self.bin_dir = bin_dir
        self.catalog = catalog
        self.nginx = nginx
        self.smtp = smtp
        self.results = results
        self.venv_python = venv_python
        self.args = args
        self.daemons = []

    @property
    def concertd(self):
        return os.path.join(self.bin_dir, "concertd")

    @property
    def concertctl(self):
        return os.path.join(self.bin_dir, "concertctl")

    def folder(self, name):
        path = os.path.join(self.root, name)
        os.makedirs(path, exist_ok=True)
        return path

    def daemon(self, name, **options):
        settings = dict(self.args.daemon_settings)
        settings.update(options.pop("settings", {}))
        daemon = Daemon(self.concertd, self.folder(name), self.catalog, settings=settings, name=name, **options)
        self.daemons.append(daemon)
        return daemon

    def stop_all(self):
        """Stops every daemon still running (after a failed scenario)."""
        for daemon in self.daemons:
            daemon.stop(timeout=15)


def iso(ms):
    moment = datetime.datetime.fromtimestamp(ms / 1000, KST)
    return moment.strftime("%Y-%m-%dT%H:%M:%S+09:00")


def read_only(path):
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def pick_concert(database, prefer="daegu"):
    """A city with exactly one announced, scheduled concert: (city, concert id, start in ms)."""
    with read_only(database) as db:
        rows = db.execute(
            "SELECT cc.city_id, c.id, c.starts_at FROM concert c JOIN concert_city cc ON cc.concert_id = c.id "
            "WHERE c.status = 'scheduled' AND c.time_announced = 1").fetchall()
        counts = {}
        for city, _, _ in rows:
            counts[city] = counts.get(city, 0) + 1
    candidates = [row for row in rows if counts[row[0]] == 1]
    candidates.sort(key=lambda row: (row[0] != prefer, row[0]))
    return candidates[0]


def smtp_messages(ctx):
    """Messages smtp-sink has accepted so far (its -c counter)."""
    path = os.path.join(ctx.smtp.directory, "smtp-sink.out")
    with open(path, errors="replace") as f:
        found = re.findall(r"mesg=(\d+)", f.read())
    return int(found[-1]) if found else 0


def run_raw(ctx, count, in_flight):
    binary = os.path.join(ctx.bin_dir, "RawCurlMulti")
    out = subprocess.run([binary, ctx.nginx.url("/raw"), str(count), str(in_flight)], capture_output=True, text=True)
    match = re.search(r"= (\d+) POSTs/s", out.stdout)
    if out.returncode != 0 or not match:
        raise RuntimeError(f"RawCurlMulti failed: {out.stdout} {out.stderr}")
    return float(match.group(1))


def raw_baseline(ctx, count, scenario):
    """The raw libcurl-multi loop, measured now: the best of 32 and 64 in flight."""
    rates = {k: run_raw(ctx, count, k) for k in (32, 64)}
    best = max(rates.values())
    ctx.results.add(scenario, f"raw libcurl-multi POST loop, {count:,} POSTs (32 / 64 in flight: "
                    f"{rates[32]:.0f} / {rates[64]:.0f})", best, "POSTs/s")
    return best


# ------------------------------------------------------------------------------------------------
# Fan-out: N reminders due at one instant
# ------------------------------------------------------------------------------------------------

def start_profiler(ctx, daemon, name):
    """With BENCH_PERF set (e.g. BENCH_PERF="-g"), records the daemon with `perf record` (those
    options) until `stop_profiler`; the data file is kept in BENCH_PERF_DIR (default /tmp)."""
    options = os.environ.get("BENCH_PERF")
    if options is None:
        return None
    output = os.path.join(os.environ.get("BENCH_PERF_DIR", "/tmp"), f"perf-{name}.data")
    print(f"bench: perf record {options} -p {daemon.pid} -o {output}", flush=True)
    return subprocess.Popen(["perf", "record", *options.split(), "-p", str(daemon.pid), "-o", output],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_profiler(profiler):
    if profiler is not None:
        profiler.send_signal(2)
        profiler.wait(timeout=60)


def fanout(ctx, count, kind="webhook", label=None, settings=None, hosts=SPREAD_HOSTS):
    """Imports `count` subscriptions of one city with a single 30d offset on a clock before their
    due moment, restarts the daemon a few seconds before it, and measures until every row is sent."""
    scenario = label or f"{kind} fan-out {count:,}"
    name = re.sub(r"[^a-z0-9]+", "-", scenario.lower())
    is_email = kind == "email"
    daemon = ctx.daemon(name, settings=settings or {}, clock_start=SEASON_EVE,
                        smtp=ctx.smtp.url if is_email else None, mail_from="bench@example.org")
    daemon.start()
    city, concert, starts_at = pick_concert(daemon.database)
    due_ms = starts_at - 30 * DAY_MS
    lines = []
    for i in range(count):
        line = {"cities": [city], "before": "30d", "lang": "en"}
        if is_email:
            line["email"] = f"user{i}@example.org"
        else:
            host = hosts[i % len(hosts)]
            line |= {"webhook": ctx.nginx.url(f"/hook/{i}", host=host), "format": "generic", "secret": SECRET}
        lines.append(json.dumps(line))
    seconds, imported, rejected, _ = import_lines(daemon.socket_path, lines)
    if imported != count:
        raise RuntimeError(f"{scenario}: imported {imported} of {count} ({rejected} rejected)")
    daemon.stop()

    baseline = None
    if not is_email:
        baseline = raw_baseline(ctx, min(count, 100_000), scenario)

    margin_s = 4 + count // 25_000
    daemon.start(clock_start=iso(due_ms - margin_s * 1000))
    ready = daemon.ready_seconds
    received_before = smtp_messages(ctx) if is_email else ctx.nginx.requests_served()
    connections_before = None if is_email else ctx.nginx.connections_accepted()
    cpu_before = daemon.cpu_seconds()
    threads_before = proc.thread_cpu_seconds(daemon.pid)
    sink_cpu_before = ctx.nginx.worker_cpu_seconds() if not is_email else 0
    load_at_start = proc.load_text()
    profiler = start_profiler(ctx, daemon, name)
    deadline = time.monotonic() + margin_s + 120 + count / 500
    sent = failed = 0
    with daemon.client() as client:
        while time.monotonic() < deadline:
            counts = client.call("status")["counts"]["deliveries"]
            sent, failed = counts.get("sent", 0), counts.get("failed", 0)
            if sent + failed >= count:
                break
            time.sleep(0.25)
    cpu = daemon.cpu_seconds() - cpu_before
    threads_after = proc.thread_cpu_seconds(daemon.pid)
    stop_profiler(profiler)
    sink_cpu = (ctx.nginx.worker_cpu_seconds() - sink_cpu_before) if not is_email else None
    peak = daemon.peak_rss_mib()
    daemon.stop()
    # Less the driver's own stub_status requests after `received_before`: `connections_before` and this one.
    received = (smtp_messages(ctx) if is_email else ctx.nginx.requests_served() - 2) - received_before
    connections = None if is_email else ctx.nginx.connections_accepted() - connections_before - 2

    with read_only(daemon.database) as db:
        states = dict(db.execute("SELECT state, COUNT(*) FROM delivery WHERE kind = 'reminder' GROUP BY state"))
        first, last, due_min, due_max = db.execute(
            "SELECT MIN(finished_at), MAX(finished_at), MIN(due_at), MAX(due_at) FROM delivery "
            "WHERE kind = 'reminder' AND state = 'sent'").fetchone()
        other = db.execute("SELECT COUNT(*) FROM delivery WHERE kind <> 'reminder'").fetchone()[0]
    sent_rows = states.get("sent", 0)
    if sent_rows == 0:
        ctx.results.note(scenario, f"nothing was sent: delivery states {states}; see {daemon.log_path}")
        return None
    if due_min != due_max:
        ctx.results.note(scenario, f"due times differ: {iso(due_min)} .. {iso(due_max)}")
    span = (last - due_min) / 1000
    rate = sent_rows / span
    if is_email:
        ctx.results.add(scenario, f"{sent_rows:,} messages from the due moment to the last row sent in {span:.2f} s",
                        rate, "messages/s", target="≥ 1,000/s", met=rate >= 1000, load=load_at_start)
    else:
        ctx.results.add(scenario, f"{sent_rows:,} deliveries from the due moment to the last row sent in {span:.2f} s",
                        rate, "deliveries/s", target="≥ 15,000/s", met=rate >= 15_000, load=load_at_start)
        ratio = rate / baseline
        ctx.results.add(scenario, "fan-out ÷ raw libcurl-multi loop (same run)", ratio, "×", "{:.2f}",
                        target="≥ 0.8 ×", met=ratio >= 0.8)
    ctx.results.add(scenario, "first row sent after the due moment", (first - due_min), "ms", "{:.0f}")
    ctx.results.add(scenario, "daemon CPU from READY=1 to the last row sent", cpu, "s", "{:.2f}",
                    note=f"{cpu / sent_rows * 1e6:.0f} µs per delivery")
    # Which thread limits the pipeline: the span is from the due moment to the last row sent.
    ctx.results.note(scenario, "busiest daemon threads over the span: "
                     + proc.busiest_threads(threads_before, threads_after, span))
    if sink_cpu is not None:
        ctx.results.add(scenario, "nginx worker CPU over the same time", sink_cpu, "s", "{:.2f}")
        ctx.results.add(scenario, "connections the daemon opened to nginx", connections, "", "{:,}",
                        note="the driver's own stub_status requests excluded")
    ctx.results.add(scenario, "daemon peak RSS (VmHWM)", peak, "MiB", "{:.0f}")
    ctx.results.add(scenario, "daemon start with the rows in place to READY=1", ready * 1000, "ms", "{:.0f}")
    if received != sent_rows or states.get("sent", 0) != count or other:
        ctx.results.note(scenario, f"sink received {received}, rows {states}, other deliveries {other}")
    return rate


def scheduler_cycle(ctx, count, rounds):
    """The daemon's own CPU per webhook without libcurl and the network (Benchmarks/SchedulerCycle):
    steadier than the fan-out's figures on a shared machine, for before/after comparisons."""
    out = subprocess.run([os.path.join(ctx.bin_dir, "SchedulerCycle"), str(count), str(rounds)],
                         capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
    match = re.search(r"([0-9.]+) µs CPU per delivery", out)
    ctx.results.add("scheduler cycle", f"{count:,} signed webhooks claimed, built and recorded, no network "
                    f"(best of {rounds} rounds)", float(match.group(1)), "µs CPU per delivery", "{:.1f}",
                    load=proc.load_text(), note=out.split("; ", 1)[-1])


# ------------------------------------------------------------------------------------------------
# Apprise: what users would use instead
# ------------------------------------------------------------------------------------------------

def apprise(ctx, kind, count, mode):
    target = ctx.nginx.url("") if kind == "webhook" else f"127.0.0.1:{ctx.smtp.port}"
    out = subprocess.run([ctx.venv_python, os.path.join(os.path.dirname(__file__), "..", "apprise_bench.py"),
                          kind, target, str(count), mode], capture_output=True, text=True)
    try:
        result = json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise RuntimeError(f"apprise_bench failed: {out.stdout} {out.stderr}")
    unit = "webhooks/s" if kind == "webhook" else "messages/s"
    ctx.results.add(f"Apprise {result['apprise']} {kind}", f"{count:,} notifications, {mode} ({result['seconds']:.1f} s)",
                    result["per_second"], unit, "{:.0f}", note="" if result["ok"] else "some notifications failed")
    return result["per_second"]


# ------------------------------------------------------------------------------------------------
# Scale: 1,000,000 subscriptions, 3 offsets each; then idle and control latency on that daemon
# ------------------------------------------------------------------------------------------------

def latency(client, method, count, params=None):
    samples = client.timed_calls(method, count, params)
    return proc.percentile(samples, 50) * 1000, proc.percentile(samples, 99) * 1000, max(samples) * 1000


def scale(ctx, count):
    scenario = f"scale {count:,}"
    daemon = ctx.daemon("scale", clock_start="2019-09-20T00:00+09:00", smtp=ctx.smtp.url, mail_from="bench@example.org")
    daemon.start()
    with read_only(daemon.database) as db:
        cities = [row[0] for row in db.execute("SELECT DISTINCT city_id FROM concert_city ORDER BY city_id")]
    lines = []
    for i in range(count):
        line = {"cities": [cities[i % len(cities)]], "before": "7d,1d,1h"}
        if i % 2 == 0:
            line["email"] = f"user{i}@example.org"
        else:
            line |= {"webhook": ctx.nginx.url(f"/hook/{i}", host=SPREAD_HOSTS[i % len(SPREAD_HOSTS)]),
                     "format": "generic", "secret": SECRET}
        lines.append(json.dumps(line))
    path = os.path.join(daemon.directory, "subscriptions.jsonl")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    cpu_before = daemon.cpu_seconds()
    load = proc.load_text()
    # The administrator's way: `concertctl subscribe --from FILE` (staged in chunks, one transaction).
    with open(os.path.join(daemon.directory, "subscribe-from.out"), "w") as out:
        profiler = start_profiler(ctx, daemon, "import")
        start = time.perf_counter()
        finished = subprocess.run([ctx.concertctl, "subscribe", "--from", path, "--socket", daemon.socket_path,
                                   "--timeout", "3600"], stdout=out, stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - start
        stop_profiler(profiler)
    cpu = daemon.cpu_seconds() - cpu_before
    peak_import = daemon.peak_rss_mib()
    with read_only(daemon.database) as db:
        imported = db.execute("SELECT COUNT(*) FROM subscription").fetchone()[0]
    how = "`concertctl subscribe --from FILE`"
    if finished.returncode != 0 or imported != count:
        ctx.results.note(scenario, f"concertctl subscribe --from exited {finished.returncode} with {imported:,} "
                         f"imported: {finished.stderr.strip()[:300]}; importing over one connection instead")
        cpu_before = daemon.cpu_seconds()
        seconds, imported, rejected, requests = import_lines(daemon.socket_path, lines)
        cpu = daemon.cpu_seconds() - cpu_before
        how = f"{requests:,} subscribe.bulk requests over one connection"
    del lines
    ctx.results.add(scenario, f"import of {imported:,} subscriptions ({how})", seconds, "s", "{:.1f}",
                    target="≤ 60 s", met=seconds <= 60, load=load,
                    note=f"{imported / seconds:.0f}/s; daemon CPU {cpu:.1f} s = {cpu / max(imported, 1) * 1e6:.0f} µs "
                    "per subscription")
    with read_only(daemon.database) as db:
        deliveries = db.execute("SELECT value FROM counter WHERE name = 'delivery.scheduled'").fetchone()
    ctx.results.add(scenario, "reminders scheduled by the import", deliveries[0] if deliveries else 0, "")
    ctx.results.add(scenario, "daemon peak RSS during the import (VmHWM)", peak_import, "MiB", "{:.0f}",
                    target="≤ 150 MiB", met=peak_import <= 150)
    with daemon.client() as client:
        up50, up99, _ = latency(client, "upcoming", 200, {"limit": 100})
        st50, st99, _ = latency(client, "status", 1000)
    ctx.results.add(scenario, "upcoming --limit 100 after the import, p50 (p99)", up50, "ms", "{:.2f}",
                    target="≤ 20 ms", met=up50 <= 20, note=f"p99 {up99:.2f} ms")
    ctx.results.add(scenario, "status after the import, p50 (p99)", st50, "ms", "{:.2f}", target="≤ 20 ms",
                    met=st50 <= 20, note=f"p99 {st99:.2f} ms")
    daemon.stop()
    size = sum(os.path.getsize(daemon.database + s) for s in ("", "-wal") if os.path.exists(daemon.database + s))
    ctx.results.add(scenario, "database file", size / 1048576, "MiB", "{:.0f}")

    # A fresh start on the full database: what systemd would see.
    daemon.start()
    ctx.results.add(scenario, "start to READY=1 with the full database", daemon.ready_seconds * 1000, "ms", "{:.0f}",
                    target="≤ 2 s", met=daemon.ready_seconds <= 2)
    ctx.results.add(scenario, "RSS after READY=1", daemon.rss_mib(), "MiB", "{:.0f}", target="≤ 150 MiB",
                    met=daemon.rss_mib() <= 150)
    with daemon.client() as client:
        first = client.timed_calls("upcoming", 1, {"limit": 100})[0] * 1000
        up50, up99, _ = latency(client, "upcoming", 200, {"limit": 100})
        st50, st99, _ = latency(client, "status", 1000)
    ctx.results.add(scenario, "upcoming --limit 100 after a restart, p50", up50, "ms", "{:.2f}", target="≤ 20 ms",
                    met=up50 <= 20, note=f"p99 {up99:.2f} ms; first request {first:.1f} ms")
    ctx.results.add(scenario, "status after a restart, p50", st50, "ms", "{:.2f}", target="≤ 20 ms", met=st50 <= 20,
                    note=f"p99 {st99:.2f} ms")
    ctx.results.add(scenario, "RSS after the reads", daemon.rss_mib(), "MiB", "{:.0f}", target="≤ 150 MiB",
                    met=daemon.rss_mib() <= 150)

    idle(ctx, daemon, "idle (NOTIFY_SOCKET set, as under systemd)")
    control(ctx, daemon)
    daemon.stop()
    if not ctx.args.quick:
        daemon.notify = False
        daemon.start()
        idle(ctx, daemon, "idle (no NOTIFY_SOCKET)")
        daemon.stop()
    return daemon


def import_mix(ctx, count, mix):
    """`concertctl subscribe --from FILE` of `count` subscriptions over the 16 cities, 3 offsets each,
    on a fresh daemon. `today`: the scale scenario's mix, half email, half `generic` webhooks given
    their secret. `generic`: the worst, every line a `generic` webhook without a secret, so each
    gets one generated and handed over in `--secrets-file`. For `generic`, then `concertctl backup`
    of the result on a fresh start of the daemon."""
    scenario = f"import {count:,} ({'all generic, secrets generated' if mix == 'generic' else 'half email'})"
    daemon = ctx.daemon(f"import-{mix}", clock_start="2019-09-20T00:00+09:00", smtp=ctx.smtp.url,
                        mail_from="bench@example.org")
    daemon.start()
    with read_only(daemon.database) as db:
        cities = [row[0] for row in db.execute("SELECT DISTINCT city_id FROM concert_city ORDER BY city_id")]
    path = os.path.join(daemon.directory, "subscriptions.jsonl")
    with open(path, "w") as f:
        for i in range(count):
            line = {"cities": [cities[i % len(cities)]], "before": "7d,1d,1h"}
            host = SPREAD_HOSTS[i % len(SPREAD_HOSTS)]
            if mix == "generic":
                line |= {"webhook": ctx.nginx.url(f"/hook/{i}", host=host), "format": "generic"}
            elif i % 2 == 0:
                line["email"] = f"user{i}@example.org"
            else:
                line |= {"webhook": ctx.nginx.url(f"/hook/{i}", host=host), "format": "generic", "secret": SECRET}
            f.write(json.dumps(line) + "\n")
    secrets = os.path.join(daemon.directory, "secrets.jsonl")
    load = proc.load_text()
    start = time.perf_counter()
    finished = subprocess.run([ctx.concertctl, "subscribe", "--from", path, "--secrets-file", secrets,
                               "--socket", daemon.socket_path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              text=True)
    seconds = time.perf_counter() - start
    peak = daemon.peak_rss_mib()
    with read_only(daemon.database) as db:
        imported = db.execute("SELECT COUNT(*) FROM subscription").fetchone()[0]
    if finished.returncode != 0 or imported != count:
        ctx.results.note(scenario, f"concertctl exited {finished.returncode} with {imported:,} imported: "
                         f"{finished.stderr.strip()[:300]}")
    with open(secrets) as f:
        handed = sum(1 for _ in f)
    mode = os.stat(secrets).st_mode & 0o777
    ctx.results.add(scenario, f"import of {imported:,} subscriptions (`concertctl subscribe --from FILE "
                    f"--secrets-file S`), exit {finished.returncode}", seconds, "s", "{:.1f}", target="≤ 60 s",
                    met=seconds <= 60 and finished.returncode == 0, load=load,
                    note=f"{imported / seconds:.0f}/s; {handed:,} generated secrets in S (mode {mode:o})")
    ctx.results.add(scenario, "daemon peak RSS during the import (VmHWM)", peak, "MiB", "{:.0f}",
                    target="< 100 MiB", met=peak < 100)
    if mix == "generic":
        daemon.stop()
        daemon.start()
        backup = os.path.join(daemon.directory, "backup.sqlite3")
        load = proc.load_text()
        start = time.perf_counter()
        finished = subprocess.run([ctx.concertctl, "backup", backup, "--socket", daemon.socket_path],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - start
        peak = daemon.peak_rss_mib()
        size = os.path.getsize(backup) / 1048576 if os.path.exists(backup) else 0
        with read_only(backup) as db:
            check = db.execute("PRAGMA quick_check").fetchone()[0]
        ctx.results.add(scenario, f"`concertctl backup FILE` of the {size:.0f} MiB database, exit "
                        f"{finished.returncode}", seconds, "s", "{:.1f}", load=load,
                        note=f"{size / seconds:.0f} MiB/s; quick_check {check}; {finished.stderr.strip()[:200]}")
        ctx.results.add(scenario, "daemon peak RSS from its start through the backup (VmHWM)", peak, "MiB",
                        "{:.0f}", target="< 100 MiB", met=peak < 100)
    daemon.stop()


def idle(ctx, daemon, scenario):
    """CPU and context switches of a daemon with nothing due, sampled at 0, half and full time."""
    seconds = ctx.args.idle_seconds
    time.sleep(5)  # let start-up work (the catalog import, first reads) settle
    samples = []
    for step in range(3):
        if step:
            time.sleep(seconds / 2)
        samples.append((time.monotonic(), daemon.cpu_seconds(), proc.thread_switches(daemon.pid)))
    elapsed = samples[-1][0] - samples[0][0]
    cpu = samples[-1][1] - samples[0][1]
    percent = cpu / elapsed * 100

    def switches(sample):
        return sum(v + n for _, _, v, n in sample[2])
    first_half = switches(samples[1]) - switches(samples[0])
    second_half = switches(samples[2]) - switches(samples[1])
    ctx.results.add(scenario, f"CPU over {elapsed:.0f} s", percent, "%", "{:.3f}", target="≤ 0.1 %",
                    met=percent <= 0.1, note=f"{cpu:.2f} s of CPU")
    total = first_half + second_half
    ctx.results.add(scenario, f"context switches over {elapsed:.0f} s (first half / second half: "
                    f"{first_half} / {second_half})", total, "", target="no periodic wake-ups",
                    met=total <= 2)
    before = {tid: (name, v + n) for tid, name, v, n in samples[0][2]}
    busy = []
    for tid, name, v, n in samples[2][2]:
        grown = v + n - before.get(tid, (name, 0))[1]
        if grown:
            busy.append(f"{name}[{tid}] +{grown}")
    if busy:
        ctx.results.note(scenario, f"threads that woke over {elapsed:.0f} s: {', '.join(busy)} "
                         f"({len(samples[2][2])} threads in all)")


def control(ctx, daemon):
    scenario = "control latency"
    with daemon.client() as client:
        client.timed_calls("status", 200)  # warm up
        p50, p99, worst = latency(client, "status", 10_000)
    ctx.results.add(scenario, "10,000 status requests over one connection, p50", p50, "ms", "{:.3f}",
                    target="≤ 1 ms", met=p50 <= 1, note=f"max {worst:.2f} ms")
    ctx.results.add(scenario, "the same, p99", p99, "ms", "{:.3f}", target="≤ 5 ms", met=p99 <= 5)
    command = [ctx.concertctl, "status", "--socket", daemon.socket_path]
    hyperfine = subprocess.run(["which", "hyperfine"], capture_output=True, text=True).stdout.strip()
    runs = 200
    if hyperfine:
        export = os.path.join(daemon.directory, "hyperfine.json")
        subprocess.run([hyperfine, "-N", "--warmup", "10", "--runs", str(runs), "--export-json", export,
                        " ".join(command)], capture_output=True, text=True, check=True)
        times = json.load(open(export))["results"][0]["times"]
        tool = "hyperfine -N"
    else:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            times.append(time.perf_counter() - start)
        tool = "a Python loop"
    p50 = proc.percentile(times, 50) * 1000
    ctx.results.add(scenario, f"`concertctl status` as a process, wall time p50 ({runs} runs, {tool})", p50, "ms",
                    "{:.1f}", target="≤ 30 ms", met=p50 <= 30,
                    note=f"p90 {proc.percentile(times, 90) * 1000:.1f} ms")


# ------------------------------------------------------------------------------------------------
# Timer precision: 1,000 reminders over 60 s on the real clock
# ------------------------------------------------------------------------------------------------

def timer(ctx, count=1000, spread_s=60):
    """A concert added a couple of minutes ahead on the real, unshifted clock; `count` subscriptions
    whose offsets spread their due moments over `spread_s` seconds (whole seconds, as offsets are);
    lateness = nginx's arrival time ($msec) minus the due moment."""
    scenario = f"timer precision ({count:,} over {spread_s} s)"
    daemon = ctx.daemon("timer")
    daemon.start()
    lead_s = 30 + spread_s + 40
    start_s = math.ceil(time.time()) + lead_s
    city = "sejong"
    offsets = [30 + (i * spread_s) // count for i in range(count)]
    with daemon.client() as client:
        client.call("concert.add", {"cities": [city], "title": "Timer precision benchmark",
                                    "start": iso(start_s * 1000)})
    lines = [json.dumps({"cities": [city], "webhook": ctx.nginx.logged_url(f"/t/{i}"), "format": "generic",
                         "secret": SECRET, "before": f"{offsets[i]}s", "lang": "en"}) for i in range(count)]
    import_lines(daemon.socket_path, lines)
    first_due = start_s - max(offsets)
    if time.time() > first_due - 2:
        ctx.results.note(scenario, "the import ended too close to the first due moment")
    load = proc.load_text()
    time.sleep(max(0, start_s - min(offsets) - time.time()) + 3)
    deadline = time.time() + 30
    arrivals = {}
    while time.time() < deadline:
        arrivals = {uri: stamp for stamp, uri in ctx.nginx.arrivals() if uri.startswith("/t/")}
        if len(arrivals) >= count:
            break
        time.sleep(0.5)
    daemon.stop()
    lateness = []
    first_of_second = {}
    for i in range(count):
        stamp = arrivals.get(f"/t/{i}")
        if stamp is not None:
            # $msec has millisecond resolution: whole milliseconds, without float residue.
            late = round((stamp - (start_s - offsets[i])) * 1000)
            lateness.append(late)
            first_of_second[offsets[i]] = min(late, first_of_second.get(offsets[i], late))
    if len(lateness) < count:
        ctx.results.note(scenario, f"only {len(lateness)} of {count} arrived")
    if not lateness:
        return
    p50, p99, worst = proc.percentile(lateness, 50), proc.percentile(lateness, 99), max(lateness)
    ctx.results.add(scenario, "lateness (arrival at nginx − due), p50", p50, "ms", "{:.1f}", target="≤ 5 ms",
                    met=p50 <= 5, load=load, note=f"min {min(lateness):.1f} ms; {len(lateness)} arrived")
    ctx.results.add(scenario, "lateness p99", p99, "ms", "{:.1f}", target="≤ 20 ms", met=p99 <= 20, load=load)
    ctx.results.add(scenario, "lateness max", worst, "ms", "{:.1f}", target="≤ 100 ms", met=worst <= 100, load=load)
    # Offsets are whole seconds, so about count/spread reminders share each due moment and queue
    # behind one another; the first of each moment shows the timer's own lateness.
    firsts = list(first_of_second.values())
    ctx.results.add(scenario, f"first arrival of each of the {len(firsts)} due moments: p50 (p99, max)",
                    proc.percentile(firsts, 50), "ms", "{:.1f}", load=load,
                    note=f"p99 {proc.percentile(firsts, 99):.1f} ms, max {max(firsts):.1f} ms; nginx $msec has 1 ms "
                    "resolution")

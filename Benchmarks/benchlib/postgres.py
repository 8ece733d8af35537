"""Issue 18's figures: concertd on PostgreSQL 15, beside the SQLite figures of the same run.

A throwaway cluster of Debian's PostgreSQL 15 (Tests/EndToEnd/harness/postgres.py: initdb into a
temporary folder, a free port on 127.0.0.1, as the `postgres` user when run as root, default
durability) on the same two cores as the daemons and nginx.

- **Fan-out on PostgreSQL**, one and two instances: as the SQLite webhook fan-out (N signed `generic`
  webhooks to 16 loopback destinations, one city, one offset, imported through the first instance
  on a clock a month early), then every instance started a few seconds before the due moment with
  the same clock flags. Deliveries/s = sent rows ÷ (last `finished_at` − due moment), read from the
  database. Daemon CPU per delivery is the sum over the instances (`/proc/PID/stat`) from `READY=1`
  to the last row sent; the server's is the postmaster and its backends over the same time.
- **Import of N subscriptions by COPY** (`Benchmarks/PostgresImport`, release build): N email
  subscriptions of one city each, the default reminders, into a fresh database in one transaction.
"""
import json
import os
import re
import subprocess
import sys
import time

from . import proc
from .control import import_lines
from .scenarios import iso
from .sinks import SPREAD_HOSTS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "Tests", "EndToEnd"))

from harness.postgres import PostgresCluster, skip_reason  # noqa: E402

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SEASON_EVE = "2019-09-01T00:00+09:00"
DAY_MS = 86_400_000
ROLE = "concertd"


class Server:
    """The cluster, a login role with a password (file mode 0600) for the daemons, and its CPU."""

    def __init__(self, root):
        reason = skip_reason()
        if reason:
            raise RuntimeError(f"PostgreSQL cannot run here: {reason}")
        # A folder of its own under /tmp: the server runs as `postgres` when root, and `root` is 0700.
        self.cluster = PostgresCluster()
        self.password = "bench-" + os.urandom(9).hex()
        self.cluster.create_role(ROLE, self.password)
        self.password_file = os.path.join(root, "db-password")
        descriptor = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as f:
            f.write(self.password + "\n")
        self.version = self.cluster.sql("SHOW server_version")[0]

    def database(self, name):
        self.cluster.create_database(name, owner=ROLE)
        return self.cluster.url(name, user=ROLE)

    def settings(self, database, instance):
        return {"database_url": self.cluster.url(database, user=ROLE), "database_password_file": self.password_file,
                "instance_name": instance}

    def sql(self, database, statement):
        return self.cluster.sql(statement, database=database)

    def cpu_seconds(self):
        """The postmaster's CPU with its reaped children's, and every live backend's."""
        postmaster = self.cluster.process.pid
        with open(f"/proc/{postmaster}/stat") as f:
            fields = f.read().rpartition(")")[2].split()
        total = sum(int(x) for x in fields[11:15]) / proc.CLOCK_TICKS  # utime stime cutime cstime
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    tail = f.read().rpartition(")")[2].split()
            except OSError:
                continue
            if int(tail[1]) == postmaster:
                total += (int(tail[11]) + int(tail[12])) / proc.CLOCK_TICKS
        return total

    def stop(self):
        self.cluster.destroy()


def pick_concert(server, database, prefer="daegu"):
    """A city with exactly one announced, scheduled concert: (city, concert id, start in ms)."""
    rows = [row.split("|") for row in server.sql(
        database, "SELECT cc.city_id, c.id, c.starts_at FROM concert c JOIN concert_city cc ON cc.concert_id = c.id "
        "WHERE c.status = 'scheduled' AND c.time_announced = 1")]
    counts = {}
    for city, _, _ in rows:
        counts[city] = counts.get(city, 0) + 1
    candidates = sorted((r for r in rows if counts[r[0]] == 1), key=lambda r: (r[0] != prefer, r[0]))
    city, concert, starts_at = candidates[0]
    return city, concert, int(starts_at)


def fanout(ctx, server, count, instances, one_instance_rate=None):
    """N reminders due at one instant, sent by `instances` daemons sharing one database."""
    scenario = f"PostgreSQL fan-out {count:,}, {instances} instance{'s' if instances > 1 else ''}"
    database = f"fan_{count}_{instances}"
    server.database(database)
    daemons = [ctx.daemon(f"pg-fan-{count}-{instances}-{k}", settings=server.settings(database, f"i{k}"),
                          clock_start=SEASON_EVE) for k in range(1, instances + 1)]
    first = daemons[0]
    first.start()
    city, _, starts_at = pick_concert(server, database)
    due_ms = starts_at - 30 * DAY_MS
    lines = [json.dumps({"cities": [city], "before": "30d", "lang": "en", "format": "generic", "secret": SECRET,
                         "webhook": ctx.nginx.url(f"/hook/{i}", host=SPREAD_HOSTS[i % len(SPREAD_HOSTS)])})
             for i in range(count)]
    seconds, imported, rejected, _ = import_lines(first.socket_path, lines)
    if imported != count:
        raise RuntimeError(f"{scenario}: imported {imported} of {count} ({rejected} rejected)")
    ctx.results.add(scenario, f"import of {count:,} signed webhooks through one instance (`subscribe.bulk`)",
                    count / seconds, "subscriptions/s", note=f"{seconds:.1f} s")
    first.stop()

    margin_s = 4 + count // 25_000 + 2 * instances
    ready = []
    for daemon in daemons:
        ready.append(daemon.start(clock_start=iso(due_ms - margin_s * 1000)))
    cpu_before = [d.cpu_seconds() for d in daemons]
    server_before = server.cpu_seconds()
    load_at_start = proc.load_text()
    deadline = time.monotonic() + margin_s + 180 + count / 200
    with first.client() as client:
        while time.monotonic() < deadline:
            counts = client.call("status")["counts"]["deliveries"]
            if counts.get("sent", 0) + counts.get("failed", 0) >= count:
                break
            time.sleep(0.25)
    cpu = sum(d.cpu_seconds() - before for d, before in zip(daemons, cpu_before))
    server_cpu = server.cpu_seconds() - server_before
    peaks = [d.peak_rss_mib() for d in daemons]
    for daemon in daemons:
        daemon.stop()

    states = dict(row.split("|") for row in server.sql(
        database, "SELECT state, count(*) FROM delivery WHERE kind = 'reminder' GROUP BY state"))
    first_ms, last_ms, due_min, due_max = (int(x) for x in server.sql(
        database, "SELECT min(finished_at), max(finished_at), min(due_at), max(due_at) FROM delivery "
        "WHERE kind = 'reminder' AND state = 'sent'")[0].split("|"))
    by_instance = dict(row.split("|") for row in server.sql(
        database, "SELECT instance, count(*) FROM attempt GROUP BY instance ORDER BY instance"))
    sent_rows = int(states.get("sent", 0))
    if sent_rows != count:
        ctx.results.note(scenario, f"delivery states {states}; see {first.log_path}")
    if due_min != due_max:
        ctx.results.note(scenario, f"due times differ: {iso(due_min)} .. {iso(due_max)}")
    span = (last_ms - due_min) / 1000
    rate = sent_rows / span
    if one_instance_rate is None:
        ctx.results.add(scenario, f"{sent_rows:,} deliveries from the due moment to the last row sent in {span:.2f} s",
                        rate, "deliveries/s", target="≥ 5,000/s", met=rate >= 5000, load=load_at_start)
    else:
        ctx.results.add(scenario, f"{sent_rows:,} deliveries from the due moment to the last row sent in {span:.2f} s",
                        rate, "deliveries/s", load=load_at_start)
        ratio = rate / one_instance_rate
        ctx.results.add(scenario, "two instances ÷ one (same run)", ratio, "×", "{:.2f}", target="≥ 0.9 ×",
                        met=ratio >= 0.9)
    ctx.results.add(scenario, "first row sent after the due moment", first_ms - due_min, "ms", "{:.0f}")
    ctx.results.add(scenario, "daemon CPU from READY=1 to the last row sent, all instances", cpu, "s", "{:.2f}",
                    note=f"{cpu / max(sent_rows, 1) * 1e6:.0f} µs per delivery")
    ctx.results.add(scenario, "PostgreSQL server CPU over the same time", server_cpu, "s", "{:.2f}",
                    note=f"{server_cpu / max(sent_rows, 1) * 1e6:.0f} µs per delivery")
    ctx.results.add(scenario, "daemon peak RSS (VmHWM), the largest instance", max(peaks), "MiB", "{:.0f}")
    ctx.results.add(scenario, "daemon start with the rows in place to READY=1, the slowest instance",
                    max(ready) * 1000, "ms", "{:.0f}")
    ctx.results.note(scenario, f"attempts by instance: {by_instance}")
    return rate


def copy_import(ctx, server, count):
    """`Benchmarks/PostgresImport`: `count` subscriptions by COPY into a fresh database."""
    scenario = f"PostgreSQL import {count:,}"
    database = f"import_{count}"
    server.database(database)
    url = server.cluster.url(database)  # the superuser: the benchmark empties the tables first
    load = proc.load_text()
    before = server.cpu_seconds()
    out = subprocess.run([os.path.join(ctx.bin_dir, "PostgresImport"), url, str(count)], cwd=ROOT,
                         capture_output=True, text=True)
    server_cpu = server.cpu_seconds() - before
    match = re.search(r"(\d+) subscriptions, (\d+) reminders in ([0-9.]+) s: (\d+) subscriptions/s, (\d+) reminders/s, "
                      r"client CPU ([0-9.]+) µs/subscription", out.stdout)
    if out.returncode != 0 or not match:
        raise RuntimeError(f"PostgresImport failed ({out.returncode}): {out.stdout} {out.stderr}")
    imported, reminders, seconds, per_second, reminders_per_second, client_us = match.groups()
    ctx.results.add(scenario, f"{int(imported):,} email subscriptions ({int(reminders):,} reminders) by COPY in one "
                    f"transaction — {int(per_second):,}/s, {int(reminders_per_second):,} reminders/s",
                    float(seconds), "s", "{:.1f}", load=load,
                    note=f"client CPU {float(client_us):.0f} µs, server CPU {server_cpu / int(imported) * 1e6:.0f} µs "
                    "per subscription")

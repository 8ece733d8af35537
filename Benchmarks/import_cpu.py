#!/usr/bin/env python3
"""The daemon's CPU per imported subscription, for A/B runs of two builds on a shared machine.

Runs the `import` scenario's `today` mix (benchlib.scenarios.import_mix: half email, half `generic`
webhooks given their secret, 16 cities, offsets 7d,1d,1h) on a fresh daemon of each BIN_DIR in turn,
without run.py's peer installation (nginx only serves the URLs' host; nothing is sent during an
import, so no SMTP peer is needed). Wall time depends on the load; the daemon's user+sys CPU much
less, so builds are compared by that, alternating them in the same sitting.

  python3 Benchmarks/import_cpu.py [--count 100000] [--rounds 2] BIN_DIR [BIN_DIR ...]

Prints, per run: the daemon's CPU per subscription, the busiest thread's share (the commit's
thread) and the rest (staging), the wall time and the load before and after.
"""
import argparse
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
from benchlib.figures import Results  # noqa: E402


class Args:
    quick = False
    daemon_settings = {}
    idle_seconds = 60


class NoSmtp:
    url = "smtp://127.0.0.1:9"


def run(bin_dir, count):
    root = tempfile.mkdtemp(prefix="import-cpu-")
    nginx = sinks.Nginx(root).start()
    ctx = scenarios.Context(root, bin_dir, os.path.join(ROOT, "etc", "concertd", "concerts.json5"), nginx,
                            NoSmtp(), Results(), None, Args())
    try:
        daemon = ctx.daemon("cpu", clock_start="2019-09-20T00:00+09:00", smtp=NoSmtp.url,
                            mail_from="bench@example.org")
        daemon.start()
        with scenarios.read_only(daemon.database) as db:
            cities = [row[0] for row in db.execute("SELECT DISTINCT city_id FROM concert_city ORDER BY city_id")]
        path = os.path.join(daemon.directory, "subscriptions.jsonl")
        with open(path, "w") as f:
            for i in range(count):
                line = {"cities": [cities[i % len(cities)]], "before": "7d,1d,1h"}
                host = sinks.SPREAD_HOSTS[i % len(sinks.SPREAD_HOSTS)]
                if i % 2 == 0:
                    line["email"] = f"user{i}@example.org"
                else:
                    line |= {"webhook": ctx.nginx.url(f"/hook/{i}", host=host), "format": "generic",
                             "secret": scenarios.SECRET}
                f.write(json.dumps(line) + "\n")
        threads = {}
        stop = threading.Event()

        def poll():  # the last CPU figure seen of each thread, before it ends
            while not stop.is_set():
                try:
                    threads.update(proc.thread_cpu_seconds(daemon.pid))
                except OSError:
                    pass
                time.sleep(0.1)

        before = proc.thread_cpu_seconds(daemon.pid)
        load = proc.load_text()
        cpu = daemon.cpu_seconds()
        poller = threading.Thread(target=poll)
        poller.start()
        start = time.perf_counter()
        done = subprocess.run([ctx.concertctl, "subscribe", "--from", path, "--socket", daemon.socket_path],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - start
        stop.set()
        poller.join()
        cpu = daemon.cpu_seconds() - cpu
        busiest = max(seconds - before.get(tid, ("", 0))[1] for tid, (_, seconds) in threads.items())
        with scenarios.read_only(daemon.database) as db:
            imported = db.execute("SELECT COUNT(*) FROM subscription").fetchone()[0]
        print(f"{bin_dir}: {imported:,} of {count:,} imported (exit {done.returncode}), daemon CPU {cpu:.2f} s = "
              f"{cpu / count * 1e6:.1f} µs/subscription (commit thread {busiest / count * 1e6:.1f}, rest "
              f"{(cpu - busiest) / count * 1e6:.1f}), wall {wall:.1f} s; {load} -> {proc.load_text()} "
              f"{done.stderr.strip()[:200]}", flush=True)
    finally:
        ctx.stop_all()
        nginx.stop()
        shutil.rmtree(root, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("bin_dirs", nargs="+")
    args = parser.parse_args()
    for _ in range(args.rounds):
        for bin_dir in args.bin_dirs:
            run(bin_dir, args.count)


if __name__ == "__main__":
    main()

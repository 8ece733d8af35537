#!/usr/bin/env python3
"""`make bench`: the benchmarks of issue 10, and issue 18's PostgreSQL scenario (benchlib/postgres.py).

Installs its peers when run as root (Debian's nginx-light and hyperfine; Apprise from PyPI into a venv
under .build/) and unpacks postfix's smtp-sink from Debian's package under .build/ without installing
postfix (which would remove exim4, the tests' MTA). It builds release binaries, starts nginx and
smtp-sink as plain processes on free 127.0.0.1 ports, runs the scenarios, prints one line per figure, and writes the
figures into BENCHMARKS.md. Not a test: CI neither runs it nor fails on it.

  python3 Benchmarks/run.py                      everything at the issues' sizes (about 22 minutes)
  python3 Benchmarks/run.py --quick              smaller sizes, a few minutes; BENCHMARKS.md says so
  python3 Benchmarks/run.py --only fanout,timer  some scenarios (raw apprise fanout cycle email timer scale import
                                                 web postgres)
"""
import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from benchlib import machine, proc, report, scenarios, sinks  # noqa: E402
from benchlib import postgres as pgbench  # noqa: E402
from benchlib.figures import Results  # noqa: E402

import web_bench  # noqa: E402

SCENARIOS = ["raw", "apprise", "fanout", "cycle", "email", "timer", "scale", "import", "web", "postgres"]


def sh(command, **kwargs):
    print("+ " + " ".join(command), flush=True)
    return subprocess.run(command, check=True, **kwargs)


def ensure_peers():
    missing = [p for p, path in (("nginx-light", sinks.NGINX),) if not os.path.exists(path)]
    if not shutil.which("hyperfine") and os.geteuid() == 0:
        missing.append("hyperfine")  # optional: without it `concertctl status` is timed by a Python loop
    if missing:
        if os.geteuid() != 0:
            sys.exit(f"install these Debian packages first: sudo apt-get install {' '.join(missing)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        sh(["apt-get", "update", "-qq"], env=env)
        sh(["apt-get", "install", "-y", "-qq", *missing], env=env, stdout=subprocess.DEVNULL)
        # Where an init system started them anyway, stop the system services: the benchmark runs its own.
        for service in ("nginx",):
            if shutil.which("systemctl") and subprocess.run(
                    ["systemctl", "is-active", "--quiet", service], capture_output=True).returncode == 0:
                subprocess.run(["systemctl", "disable", "--now", service], capture_output=True)
    sinks.unpack_smtp_sink()


def ensure_apprise():
    venv = os.path.join(ROOT, ".build", "bench-venv")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(python):
        sh([sys.executable, "-m", "venv", venv])
    if subprocess.run([python, "-c", "import apprise"], capture_output=True).returncode != 0:
        sh([python, "-m", "pip", "install", "-q", "apprise"])
    return python


def build():
    sh(["swift", "build", "-c", "release", "--product", "concertd"], cwd=ROOT)
    sh(["swift", "build", "-c", "release", "--product", "concertctl"], cwd=ROOT)
    sh(["swift", "build", "-c", "release", "--product", "RawCurlMulti"], cwd=ROOT)
    sh(["swift", "build", "-c", "release", "--product", "SchedulerCycle"], cwd=ROOT)
    sh(["swift", "build", "-c", "release", "--product", "PostgresImport"], cwd=ROOT)
    return subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated scenarios")
    parser.add_argument("--quick", action="store_true", help="smaller sizes")
    parser.add_argument("--no-build", action="store_true", help="use the release binaries already built")
    parser.add_argument("--no-write", action="store_true", help="do not write BENCHMARKS.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, databases)")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a concertd.conf setting for every daemon started (repeatable)")
    args = parser.parse_args()
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    args.daemon_settings = dict(item.split("=", 1) for item in args.set)
    args.idle_seconds = 20 if args.quick else 60
    fanout_sizes = [10_000] if args.quick else [10_000, 100_000]
    email_size = 500 if args.quick else 2_000
    scale_size = 100_000 if args.quick else 1_000_000

    started = datetime.datetime.now(datetime.timezone.utc)
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    ensure_peers()
    venv_python = ensure_apprise() if "apprise" in only else None
    bin_dir = (subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip() if args.no_build else build())
    # A/B comparisons: BENCH_BIN_DIR names a folder with other concertd, concertctl and RawCurlMulti binaries.
    bin_dir = os.environ.get("BENCH_BIN_DIR", bin_dir)
    root = tempfile.mkdtemp(prefix="concertd-bench-")
    print(f"bench: working in {root}; {proc.load_text()}", flush=True)
    results = Results()
    nginx = sinks.Nginx(root).start()
    smtp = sinks.SmtpSink(root).start()
    ctx = scenarios.Context(root, bin_dir, os.path.join(ROOT, "etc", "concertd", "concerts.json5"), nginx, smtp,
                            results, venv_python, args)
    try:
        if "raw" in only:
            scenarios.raw_baseline(ctx, 20_000, "raw libcurl-multi")
        if "apprise" in only:
            scenarios.apprise(ctx, "webhook", 1_000, "parallel")
            scenarios.apprise(ctx, "webhook", 1_000, "sequential")
            scenarios.apprise(ctx, "email", 100 if args.quick else 2_000, "parallel")
            scenarios.apprise(ctx, "email", 100 if args.quick else 300, "sequential")
        if "fanout" in only:
            for size in fanout_sizes:
                scenarios.fanout(ctx, size)
        if "cycle" in only:
            scenarios.scheduler_cycle(ctx, 20_000, 3 if args.quick else 5)
        if "email" in only:
            scenarios.fanout(ctx, email_size, kind="email")
        if "timer" in only:
            scenarios.timer(ctx)
        if "scale" in only:
            scenarios.scale(ctx, scale_size)
        if "import" in only:
            for mix in ("today", "generic"):
                scenarios.import_mix(ctx, scale_size, mix)
        if "postgres" in only:
            # Issue 18: fan-out with one and two instances on one PostgreSQL server, the COPY import.
            server = pgbench.Server(root)
            results.note("PostgreSQL", f"server {server.version} (Debian), a cluster of the run's own on the same "
                         "cores, default durability (fsync, synchronous_commit on)")
            try:
                one = pgbench.fanout(ctx, server, fanout_sizes[-1], 1)
                pgbench.fanout(ctx, server, fanout_sizes[-1], 2, one_instance_rate=one)
                pgbench.copy_import(ctx, server, scale_size)
            finally:
                ctx.stop_all()
                server.stop()
        if "web" in only:
            # The web front door (issue 17): wrk on the front page, one-click unsubscribes, idle wake-ups.
            web_bench.scenario(ctx, seconds=5 if args.quick else 10, subscriptions=2_000 if args.quick else 5_000,
                               idle_seconds=args.idle_seconds)
    finally:
        ctx.stop_all()
        nginx.stop()
        smtp.stop()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    add_ratios(results)
    if not args.no_write:
        command = "make bench" + (f" BENCH_ARGS='{' '.join(sys.argv[1:])}'" if sys.argv[1:] else "")
        report.write(os.path.join(ROOT, "BENCHMARKS.md"), machine.describe(), command, commit, started, results,
                     args.quick)
        print("bench: wrote BENCHMARKS.md", flush=True)


def add_ratios(results):
    """Fan-out over Apprise, from figures of this run."""
    apprise_webhooks = [f for f in results.figures if f.unit == "webhooks/s"]
    apprise_mail = [f for f in results.figures if f.scenario.startswith("Apprise") and f.unit == "messages/s"]
    fan = [f for f in results.figures if f.unit == "deliveries/s"]
    mail = [f for f in results.figures if f.scenario.startswith("email") and f.unit == "messages/s"]
    if fan and apprise_webhooks:
        best = max(f.value for f in fan)
        for a in apprise_webhooks:
            mode = "parallel" if "parallel" in a.name else "sequential"
            ratio = best / a.value
            results.add("vs Apprise", f"webhook fan-out ÷ Apprise ({mode})", ratio, "×", "{:.1f}",
                        target="≥ 50 ×", met=ratio >= 50, load=a.load)
    if mail and apprise_mail:
        for a in apprise_mail:
            mode = "parallel" if "parallel" in a.name else "sequential"
            results.add("vs Apprise", f"email fan-out ÷ Apprise ({mode})", mail[0].value / a.value, "×", "{:.1f}",
                        load=a.load)


if __name__ == "__main__":
    main()

"""Fixtures of the end-to-end suite: the binaries, real peers on 127.0.0.1, and concertd itself.

Every peer runs in this process and every daemon is a child process stopped by its pid in the
fixture finalizers (SIGTERM, then kill -9), also when a test fails. Temporary folders have short
paths (/tmp/cde-XXXXXXXX) so the control socket stays far below the 108-byte limit.
"""
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from harness.daemon import LIVE_PROCESSES, REPO, Concertd  # noqa: E402
from harness.instances import SharedDatabase  # noqa: E402
from harness.postgres import PostgresCluster  # noqa: E402
from harness.postgres import skip_reason as postgres_skip_reason  # noqa: E402
from harness.receiver import WebhookReceiver  # noqa: E402
from harness.smtp import SmtpServer  # noqa: E402

SWIFT = os.environ.get("SWIFT", "swift")


@pytest.fixture(scope="session")
def binaries():
    """The folder holding concertd and concertctl: `$CONCERTD_BIN_DIR`, else a debug `swift build`.

    Debug, not release: `make test` runs `swift test` first, which has built the debug binaries
    already, so this costs seconds; a release build would add minutes on two cores, and the
    scenarios need no release speed (a few thousand sends).
    """
    given = os.environ.get("CONCERTD_BIN_DIR")
    if given:
        folder = Path(given)
    else:
        started = time.monotonic()
        build = subprocess.run([SWIFT, "build"], cwd=REPO, capture_output=True, text=True, timeout=1200)
        assert build.returncode == 0, f"swift build failed:\n{build.stdout[-5000:]}\n{build.stderr[-5000:]}"
        folder = Path(subprocess.run(
            [SWIFT, "build", "--show-bin-path"], cwd=REPO, capture_output=True, text=True, timeout=120,
            check=True).stdout.strip())
        print(f"\nbinaries: {folder} (swift build took {time.monotonic() - started:.1f} s)")
    for name in ("concertd", "concertctl"):
        assert (folder / name).is_file(), f"{folder / name} is missing"
    return folder


@pytest.fixture
def workdir(request):
    """A private temporary folder with a short path; kept (and named) when the test fails."""
    path = Path(tempfile.mkdtemp(prefix="cde-", dir="/tmp"))
    yield path
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(f"\nkept for inspection: {path}")
    else:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def receiver():
    server = WebhookReceiver()
    yield server
    server.stop()


@pytest.fixture
def smtp():
    server = SmtpServer()
    yield server
    server.stop()


@pytest.fixture
def make_daemon(binaries, workdir, request):
    """Makes `Concertd` objects in this test's folder; every one is stopped at the end."""
    made = []

    def make(name="d", **options):
        folder = workdir / name
        folder.mkdir()
        daemon = Concertd(binaries, folder, **options)
        made.append(daemon)
        return daemon

    yield make
    report = getattr(request.node, "rep_call", None)
    for daemon in made:
        if daemon.running:
            try:
                daemon.stop(timeout=15)
            except AssertionError:
                pass
        if report is not None and report.failed and daemon.log_path:
            print(f"\n--- last lines of {daemon.log_path} ---\n" + "\n".join(daemon.log().splitlines()[-60:]))


# --- several instances on one PostgreSQL server (issue 18) ---


@pytest.fixture
def postgres(request):
    """A throwaway PostgreSQL 15 cluster of this test's own (harness/postgres.py): Debian's initdb
    into a temporary folder, a free port on 127.0.0.1, as the `postgres` user when run as root;
    destroyed at the end. Skipped, naming why, only where PostgreSQL cannot run (the reasons of
    Tests/PostgresTestSupport/ThrowawayPostgres.unavailableReason)."""
    reason = postgres_skip_reason()
    if reason:
        pytest.skip(f"PostgreSQL cannot run here: {reason}")
    cluster = PostgresCluster()
    yield cluster
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(f"\n--- last lines of {cluster.log_path} ---\n" + "\n".join(cluster.log().splitlines()[-30:]))
    cluster.destroy()


@pytest.fixture
def shared_database(postgres, workdir):
    """A database on that cluster for concertd: its own role (with a password in a 0600 file)."""
    return SharedDatabase(postgres, workdir)


@pytest.fixture
def make_instances(shared_database, make_daemon):
    """`make_instances(3, config={...})`: concertd instances `i1`, `i2`, … on the shared database,
    each with its own folder, socket and `instance_name`; stopped before the cluster is (the
    fixtures are torn down in the reverse order of these arguments)."""
    def make(count, config=None, first=1):
        names = [f"i{n}" for n in range(first, first + count)]
        return [make_daemon(name, config=shared_database.settings(name) | (config or {})) for name in names]

    return make


# --- two scenarios at a time (pytest-xdist), the timing-strict ones alone ---
#
# `make e2e` runs the scenarios on two workers (`-n 2`). A scenario marked `solo` checks wall-clock
# timing to the second (the replayed week, retries on time): it takes the cores alone. Every other
# scenario holds a shared lock while it runs, a solo one the exclusive lock; a turnstile keeps the
# shared holders from starving a solo scenario that waits. One lock file per run, named by the
# controller for its workers.


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node):
    node.workerinput["e2e_lock"] = node.config._e2e_lock


@pytest.fixture(autouse=True)
def _share_the_cores(request):
    """Runs the scenario while holding the run's lock: shared, or exclusive when marked `solo`."""
    workerinput = getattr(request.config, "workerinput", None)
    if workerinput is None:
        yield
        return
    path = workerinput["e2e_lock"]
    solo = request.node.get_closest_marker("solo") is not None
    with open(path + ".turnstile", "a") as turnstile, open(path, "a") as lock:
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        fcntl.flock(lock, fcntl.LOCK_EX if solo else fcntl.LOCK_SH)
        fcntl.flock(turnstile, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, "rep_" + report.when, report)
    return report


# --- one line per scenario, and `N passed, N failed` at the very end ---

_outcomes = {}


def pytest_runtest_logreport(report):
    # A test passed when its call passed and no phase failed; one that never finished its call
    # (interrupted) stays "unfinished".
    entry = _outcomes.setdefault(report.nodeid, {"outcome": "unfinished", "seconds": 0.0})
    entry["seconds"] += report.duration
    if report.failed:
        entry["outcome"] = "failed"
    elif entry["outcome"] == "failed":
        pass
    elif report.skipped:
        entry["outcome"] = "xfailed" if hasattr(report, "wasxfail") else "skipped"
    elif report.when == "call":
        entry["outcome"] = "passed"


def pytest_configure(config):
    if not hasattr(config, "workerinput"):
        descriptor, config._e2e_lock = tempfile.mkstemp(prefix="cde-lock-", dir="/tmp")
        os.close(descriptor)
        config._e2e_started = time.monotonic()
    # `timeout` (make e2e) stops pytest with SIGTERM, sent to it and then to its process group:
    # turn the first into an interruption, so that the fixture finalizers still stop every daemon.
    def interrupted(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)


def pytest_sessionfinish(session, exitstatus):
    for process in list(LIVE_PROCESSES):
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def pytest_unconfigure(config):
    if hasattr(config, "workerinput"):
        return  # the controller prints the summary of every worker's scenarios
    for leftover in (config._e2e_lock, config._e2e_lock + ".turnstile"):
        try:
            os.unlink(leftover)
        except FileNotFoundError:
            pass
    if not _outcomes:
        return
    write = sys.stdout.write
    write("\nend-to-end scenarios:\n")
    for nodeid, entry in _outcomes.items():
        write(f"  {entry['outcome']:8} {entry['seconds']:6.1f} s  {nodeid}\n")
    counts = {}
    for entry in _outcomes.values():
        counts[entry["outcome"]] = counts.get(entry["outcome"], 0) + 1
    extra = "".join(f", {counts[k]} {k}" for k in ("xfailed", "skipped", "unfinished") if counts.get(k))
    total = sum(e["seconds"] for e in _outcomes.values())
    wall = time.monotonic() - config._e2e_started
    write(
        f"{counts.get('passed', 0)} passed, {counts.get('failed', 0)} failed{extra}"
        f" ({total:.0f} s of scenarios in {wall:.0f} s)\n")
    sys.stdout.flush()

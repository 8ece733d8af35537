"""The real concertd, started and stopped by pid, and concertctl, run against its socket."""
import ctypes
import datetime as dt
import json
import os
import re
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .clock import ShiftedClock, iso, kst
from .waiting import poll_until

REPO = Path(__file__).resolve().parents[3]
CATALOG = REPO / "etc" / "concertd" / "concerts.json5"

# Every daemon process started and not yet reaped: the session's last resort kills these by pid.
LIVE_PROCESSES = set()

_CLOCK_LINE = re.compile(r"^(\S+Z) warning concertd: SHIFTED CLOCK")

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_the_test_process():
    """In the child, before exec: the kernel kills it if the test process dies first."""
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


@dataclass
class CtlResult:
    args: list
    returncode: int
    stdout: str
    stderr: str

    @property
    def json(self):
        return json.loads(self.stdout)

    def __str__(self):
        command = "concertctl " + " ".join(self.args)
        return f"{command} → exit {self.returncode}\nstdout: {self.stdout}\nstderr: {self.stderr}"


class DaemonFailed(AssertionError):
    pass


class Concertd:
    """One daemon's files (state, socket, config, logs) and its successive processes.

    `start()` may be called again after `stop()` or `kill9()`: the same database and socket are
    used, with a new clock. Every start writes its own log file (stderr of that process).
    """

    def __init__(
        self, binaries, workdir, *, config=None, smtp=None, mail_from="concertd@test.example", catalog=CATALOG,
        env=None,
    ):
        self.binaries = binaries
        self.workdir = Path(workdir)
        self.state_dir = self.workdir / "state"
        self.socket = str(self.workdir / "c.sock")
        self.config_path = self.workdir / "concertd.conf"
        self.catalog = Path(catalog)
        self.smtp = smtp
        self.mail_from = mail_from
        self.env = dict(os.environ, **(env or {}))
        self.env.pop("NOTIFY_SOCKET", None)
        self.env.pop("CONCERTD_SOCKET", None)
        self.write_config(config or {})
        self.process = None
        self.clock = None
        self.starts = 0
        self.log_path = None

    def write_config(self, settings):
        """Writes the config file: `{"max_in_flight": 16}` → `max_in_flight = 16`."""
        lines = ["# written by the end-to-end harness"]
        lines += [f"{key} = {value}" for key, value in settings.items()]
        self.config_path.write_text("\n".join(lines) + "\n")

    @property
    def database_path(self):
        return self.state_dir / "concertd.sqlite3"

    def command(self, clock_start, clock_rate, extra=()):
        args = [
            str(self.binaries / "concertd"),
            "--config", str(self.config_path),
            "--state-dir", str(self.state_dir),
            "--socket", self.socket,
            "--catalog", str(self.catalog),
        ]
        if self.smtp:
            args += ["--smtp", self.smtp, "--mail-from", self.mail_from]
        if clock_start is not None:
            args += ["--clock-start", iso(clock_start) if isinstance(clock_start, dt.datetime) else clock_start]
        if clock_rate is not None:
            args += ["--clock-rate", str(clock_rate)]
        return args + list(extra)

    def start(self, clock_start, clock_rate=1, extra=(), ready_timeout=30):
        """Starts concertd and waits until its control socket answers `status`."""
        self.launch(clock_start, clock_rate, extra)
        return self.wait_ready(clock_start, clock_rate, ready_timeout)

    def launch(self, clock_start, clock_rate=1, extra=()):
        """Starts the concertd process without waiting for it: `wait_ready` (with the same clock) next.

        Several daemons launched one after the other, then waited for, start within milliseconds.
        """
        assert self.process is None or self.process.poll() is not None, "concertd is already running"
        self.starts += 1
        self.log_path = self.workdir / f"concertd-{self.starts}.log"
        log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            self.command(clock_start, clock_rate, extra), stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            env=self.env, cwd=self.workdir, preexec_fn=_die_with_the_test_process)
        log.close()
        LIVE_PROCESSES.add(self.process)
        return self

    def wait_ready(self, clock_start, clock_rate=1, ready_timeout=30):
        """Waits until the launched daemon answers `status`; reads its clock's start from its log."""
        start = kst(clock_start) if isinstance(clock_start, str) else clock_start

        def ready():
            if self.process.poll() is not None:
                raise DaemonFailed(f"concertd exited with {self.process.returncode} while starting:\n{self.log()}")
            real_start = self._clock_started_at()
            if real_start is None or not os.path.exists(self.socket):
                return None
            return real_start if self.ctl("status").returncode == 0 else None

        real_start = poll_until(ready, ready_timeout, interval=0.05, what="concertd answering on its socket")
        self.clock = ShiftedClock(start=start, rate=float(clock_rate), real_start=real_start)
        return self

    def _clock_started_at(self):
        for line in self.log().splitlines():
            match = _CLOCK_LINE.match(line)
            if match:
                stamp = match.group(1).replace("Z", "+00:00")
                return dt.datetime.fromisoformat(stamp).timestamp()
        return None

    def restart(self, clock_start, clock_rate=1):
        """SIGTERM, then a new start on the same database with a new clock."""
        assert self.stop() == 0, f"concertd did not stop cleanly:\n{self.log()[-3000:]}"
        return self.start(clock_start, clock_rate)

    def run_to_exit(self, clock_start="2019-10-20T00:00+09:00", clock_rate=1, extra=(), timeout=30):
        """Runs concertd expecting it to refuse to start; returns (exit code, stderr text)."""
        result = subprocess.run(
            self.command(clock_start, clock_rate, extra), stdin=subprocess.DEVNULL, capture_output=True,
            env=self.env, cwd=self.workdir, timeout=timeout)
        return result.returncode, result.stderr.decode("utf-8", "replace")

    def log(self):
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    @property
    def pid(self):
        return self.process.pid

    def stop(self, timeout=30):
        """SIGTERM, then waits; kill -9 if it has not exited by `timeout`. Returns the exit code."""
        if not self.running:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill9()
            raise DaemonFailed(f"concertd did not exit within {timeout} s of SIGTERM:\n{self.log()[-4000:]}")
        finally:
            LIVE_PROCESSES.discard(self.process)

    def kill9(self):
        if self.running:
            os.kill(self.process.pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait(timeout=10)
            LIVE_PROCESSES.discard(self.process)

    def signal(self, signum):
        os.kill(self.process.pid, signum)

    # --- concertctl ---

    def ctl(self, *args, json_output=True, timeout=60):
        """Runs `concertctl ARGS --socket PATH [--json]` against this daemon."""
        argv = [str(a) for a in args] + ["--socket", self.socket] + (["--json"] if json_output else [])
        result = subprocess.run(
            [str(self.binaries / "concertctl"), *argv], capture_output=True, env=self.env, timeout=timeout)
        return CtlResult(argv, result.returncode, result.stdout.decode("utf-8", "replace"),
                         result.stderr.decode("utf-8", "replace"))

    def ctl_ok(self, *args, timeout=60):
        """`ctl` that must succeed; returns its JSON document."""
        result = self.ctl(*args, timeout=timeout)
        assert result.returncode == 0, str(result)
        return result.json

    # --- conveniences over concertctl --json ---

    def status(self):
        return self.ctl_ok("status")

    def delivery_counts(self):
        return {k: v for k, v in self.status()["counts"]["deliveries"].items() if v}

    def deliveries(self, subscription=None, state=None, limit=10000):
        args = ["deliveries", "--limit", limit]
        if subscription:
            args += ["--subscription", subscription]
        if state:
            args += ["--state", state]
        return self.ctl_ok(*args)["deliveries"]

    def subscribe(self, *cities, **options):
        """`concertctl subscribe CITIES --option value …`; `quiet=True` → `--quiet`. Returns the JSON reply."""
        args = ["subscribe", *cities]
        for name, value in options.items():
            flag = "--" + name.replace("_", "-")
            if value is True:
                args.append(flag)
            elif value is not None and value is not False:
                args += [flag, value]
        return self.ctl_ok(*args)

    def wait_until_settled(self, expected_sent, timeout):
        """Waits until `status` counts at least `expected_sent` sent and none sending or retrying.

        Rows still `scheduled` (due later) are allowed; tests that expect none say so. Returns the
        counts by state.
        """
        def settled():
            counts = self.delivery_counts()
            pending = sum(counts.get(s, 0) for s in ("sending", "retrying"))
            return counts if counts.get("sent", 0) >= expected_sent and pending == 0 else None
        return poll_until(settled, timeout, interval=0.2, what=f"{expected_sent} deliveries sent")

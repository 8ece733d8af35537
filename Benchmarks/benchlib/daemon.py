"""Starts concertd as the benchmark's own process: a temporary state folder, a short socket path,
a generated configuration file and a NOTIFY_SOCKET bound here to catch READY=1."""
import os
import signal
import socket
import subprocess
import threading
import time

from . import proc
from .control import ControlClient


class Daemon:
    def __init__(self, binary, directory, catalog, settings=None, smtp=None, mail_from=None, clock_start=None,
                 clock_rate=None, notify=True, log_level="info", name="d"):
        self.binary = binary
        self.directory = directory
        self.state_dir = os.path.join(directory, "state")
        os.makedirs(self.state_dir, exist_ok=True)
        # Short: sun_path holds 108 bytes.
        self.socket_path = os.path.join(directory, "ctl.sock")
        self.catalog = catalog
        self.settings = {"watchdog": "off"} | (settings or {})
        self.smtp = smtp
        self.mail_from = mail_from
        self.clock_start = clock_start
        self.clock_rate = clock_rate
        self.notify = notify
        self.log_level = log_level
        self.name = name
        self.process = None
        self.ready_seconds = None
        self.notify_messages = []
        self.runs = 0

    @property
    def database(self):
        return os.path.join(self.state_dir, "concertd.sqlite3")

    def write_config(self):
        path = os.path.join(self.directory, "concertd.conf")
        with open(path, "w") as f:
            for key, value in self.settings.items():
                f.write(f"{key} = {value}\n")
        return path

    def command(self):
        command = [self.binary, "--config", self.write_config(), "--state-dir", self.state_dir,
                   "--socket", self.socket_path, "--catalog", self.catalog, "--log-level", self.log_level]
        if self.smtp:
            command += ["--smtp", self.smtp, "--mail-from", self.mail_from or "bench@example.org"]
        if self.clock_start:
            command += ["--clock-start", self.clock_start]
        if self.clock_rate:
            command += ["--clock-rate", str(self.clock_rate)]
        return command

    def start(self, timeout=120, clock_start=None):
        """Starts the daemon and waits for READY=1 (or for the socket when notify is off).
        Returns the seconds from exec to READY=1."""
        if clock_start is not None:
            self.clock_start = clock_start
        self.runs += 1
        env = dict(os.environ)
        env.pop("WATCHDOG_USEC", None)
        env.pop("WATCHDOG_PID", None)
        notify_socket = None
        if self.notify:
            notify_path = os.path.join(self.directory, "notify.sock")
            if os.path.exists(notify_path):
                os.unlink(notify_path)
            notify_socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            notify_socket.bind(notify_path)
            env["NOTIFY_SOCKET"] = notify_path
        else:
            env.pop("NOTIFY_SOCKET", None)
        self.log_path = os.path.join(self.directory, f"{self.name}-{self.runs}.log")
        self.log = open(self.log_path, "w")
        start = time.perf_counter()
        self.process = subprocess.Popen(self.command(), env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = start + timeout
        if notify_socket is not None:
            self.notify_socket = notify_socket
            while True:
                left = deadline - time.perf_counter()
                if left <= 0 or self.process.poll() is not None:
                    raise RuntimeError(f"concertd did not send READY=1 (exit {self.process.poll()}); see {self.log_path}")
                notify_socket.settimeout(min(left, 0.5))
                try:
                    message = notify_socket.recv(65536).decode(errors="replace")
                except socket.timeout:
                    continue
                self.notify_messages.append((time.perf_counter() - start, message))
                if "READY=1" in message.split("\n"):
                    self.ready_seconds = time.perf_counter() - start
                    break
            # Keep reading, as systemd does: a full receive queue would block the daemon's sd_notify
            # sendto (its 5 s STATUS= updates fill the default queue of 10 datagrams in under a minute).
            threading.Thread(target=self._drain_notify, args=(notify_socket, start), daemon=True).start()
        else:
            while not os.path.exists(self.socket_path):
                if time.perf_counter() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"concertd did not open its socket; see {self.log_path}")
                time.sleep(0.01)
            self.ready_seconds = time.perf_counter() - start
        # The socket is served once READY=1 is sent; wait until it answers.
        while True:
            try:
                with ControlClient(self.socket_path, timeout=30) as client:
                    client.call("status")
                break
            except (OSError, ConnectionError):
                if time.perf_counter() > deadline:
                    raise
                time.sleep(0.01)
        return self.ready_seconds

    def _drain_notify(self, notify_socket, start):
        notify_socket.settimeout(None)
        while True:
            try:
                message = notify_socket.recv(65536).decode(errors="replace")
            except OSError:
                return
            self.notify_messages.append((time.perf_counter() - start, message))

    @property
    def pid(self):
        return self.process.pid

    def client(self, timeout=600):
        return ControlClient(self.socket_path, timeout=timeout)

    def cpu_seconds(self):
        return proc.cpu_seconds(self.pid)

    def peak_rss_mib(self):
        return proc.peak_rss_mib(self.pid)

    def rss_mib(self):
        return proc.rss_mib(self.pid)

    def stop(self, timeout=60):
        """SIGTERM, then SIGKILL after `timeout` s. Returns the seconds SIGTERM took (None if killed)."""
        if self.process is None or self.process.poll() is not None:
            return None
        start = time.perf_counter()
        self.process.send_signal(signal.SIGTERM)
        took = None
        try:
            self.process.wait(timeout)
            took = time.perf_counter() - start
        except subprocess.TimeoutExpired:
            print(f"bench: concertd {self.name} did not exit {timeout} s after SIGTERM; killed (see {self.log_path})",
                  flush=True)
            self.process.kill()
            self.process.wait()
        self.log.close()
        if getattr(self, "notify_socket", None) is not None:
            try:
                self.notify_socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.notify_socket.close()
            self.notify_socket = None
        return took

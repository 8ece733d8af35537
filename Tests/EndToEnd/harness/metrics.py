"""The daemon's metrics listener seen from outside: scrapes parsed by `prometheus_client`, promtool,
and a way to make the database unreadable for a while.

A scrape is parsed by the reference text parser (`prometheus_client.parser`) into `Scrape`, which
reads samples by name and labels: `scrape.value("concertd_sends_in_flight")`,
`scrape.total("concertd_deliveries_total", state="sent")` (the sum over the other labels).
"""
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass

from prometheus_client.parser import text_string_to_metric_families

from .waiting import poll_until


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    body: str
    content_type: str


def get(url, timeout=30):
    """GET `url`; any status (4xx and 5xx included) is returned, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return HttpAnswer(answer.status, answer.read().decode("utf-8", "replace"),
                              answer.headers.get("Content-Type", ""))
    except urllib.error.HTTPError as error:
        return HttpAnswer(error.code, error.read().decode("utf-8", "replace"), error.headers.get("Content-Type", ""))


class Scrape:
    """One `/metrics` answer, parsed."""

    def __init__(self, text):
        self.text = text
        self.families = {family.name: family for family in text_string_to_metric_families(text)}
        self.samples = [sample for family in self.families.values() for sample in family.samples]

    def type_of(self, family):
        return self.families[family].type

    def matching(self, name, **labels):
        """Samples called `name` whose labels include `labels`."""
        return [s for s in self.samples if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())]

    def total(self, name, **labels):
        """The sum of the samples called `name` with these labels (0 when there is none)."""
        return sum(s.value for s in self.matching(name, **labels))

    def value(self, name, **labels):
        """The one sample called `name` with exactly these labels."""
        found = [s for s in self.samples if s.name == name and s.labels == labels]
        assert len(found) == 1, f"{name}{labels}: {len(found)} samples in\n{self.text}"
        return found[0].value

    def label_values(self, name, label):
        return {s.labels[label] for s in self.samples if s.name == name and label in s.labels}

    def sample_names(self):
        return {s.name for s in self.samples}


def scrape(port, timeout=30):
    answer = get(f"http://127.0.0.1:{port}/metrics", timeout)
    assert answer.status == 200, f"/metrics answered {answer.status}: {answer.body[:500]}"
    assert answer.content_type.startswith("text/plain"), answer.content_type
    return Scrape(answer.body)


def promtool(*args, stdin=None, cwd=None):
    """Runs promtool (Debian's prometheus package, installed by scripts/ensure-deps.sh test)."""
    return subprocess.run(["promtool", *args], input=stdin, capture_output=True, text=True, cwd=cwd, timeout=60)


# SQLite's WAL locks are fcntl locks on bytes of the `-shm` file: 120 the writer, 121 the
# checkpointer, 122 recovery, 123–127 the five read marks. A reader must hold one read mark for its
# transaction; with all five locked exclusively by another process, every read of the database
# retries for about 10 s and then fails with SQLITE_PROTOCOL ("locking protocol"). Writes need a
# read mark first, so they fail too. The file itself stays intact, and unlocking mends it at once.
_READ_MARKS = (123, 5)

_LOCKER = f"""
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, {_READ_MARKS[1]}, {_READ_MARKS[0]}, os.SEEK_SET)
print("locked", flush=True)
sys.stdin.read()
"""


class UnreadableDatabase:
    """While inside `with`, another process holds every read mark of the database's WAL index."""

    def __init__(self, database_path):
        self.shm = f"{database_path}-shm"
        self.process = None

    def __enter__(self):
        assert os.path.exists(self.shm), f"{self.shm} is missing: is the database in WAL mode and open?"
        # Its own process: fcntl locks belong to a process, and closing any descriptor of the file
        # in this one would drop them.
        self.process = subprocess.Popen([sys.executable, "-c", _LOCKER, self.shm], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline().strip()
        assert line == "locked", f"could not lock the read marks of {self.shm}: {line!r}"
        return self

    def __exit__(self, *exc):
        self.process.stdin.close()
        self.process.wait(timeout=10)
        return False


def wait_for_health(port, status, timeout):
    """Polls `/healthz` until it answers `status`; returns that answer."""
    def answered():
        answer = get(f"http://127.0.0.1:{port}/healthz", timeout=20)
        return answer if answer.status == status else None
    return poll_until(answered, timeout, interval=0.2, what=f"/healthz answering {status}")

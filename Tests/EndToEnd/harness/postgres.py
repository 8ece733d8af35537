"""A throwaway PostgreSQL cluster from Debian's packages, run as the test's own process.

    cluster = PostgresCluster()            # initdb into a temporary folder, start on a free 127.0.0.1 port
    url = cluster.create_database("a")     # postgresql://postgres@127.0.0.1:PORT/a
    cluster.stop(); …; cluster.start()     # the same data and port: the server "going away" and coming back
    cluster.destroy()                      # stop, and remove the folder

Debian's `initdb` and `postgres` (in /usr/lib/postgresql/15/bin) refuse to run as root: as root they
run as the `postgres` user the package creates; as another user, as that user. The package's own
cluster ("main", port 5432) is neither used nor needed. Durability is PostgreSQL's default (fsync and
synchronous_commit on); only initdb's own final sync of the fresh files is skipped (`--no-sync`).
Authentication is `trust` on 127.0.0.1, except for roles made by `create_role(…, password=…)`, which
must give their password (scram-sha-256). `tls=True` adds a certificate for 127.0.0.1 signed by a
CA made for the cluster (`cluster.ca`), for `sslmode=verify-full`.

The server dies with the test process (PR_SET_PDEATHSIG, set after the change of user, which would
clear it). `skip_reason()` says why no cluster can be started here, or None.

Run as a script (`python3 postgres.py`), it starts a cluster, prints its port, then obeys lines on
stdin: `stop`, `start` (each answered by `stopped`/`started`), `create NAME` (answered by the
URL), `role NAME PASSWORD` (answered `ok`), `other-ca` (answered by the certificate of a CA
that did not sign the server's), `closed-port` (answered by a 127.0.0.1 port that is bound, not
listening, so it refuses connections while the cluster lives); at end of input it destroys the cluster. The Swift tests
use it that way (Tests/PostgresTestSupport/ThrowawayPostgres.swift).
"""
import ctypes
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(os.environ.get("CONCERTD_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
PSQL = shutil.which("psql") or str(BIN / "psql")
SUPERUSER = "postgres"
HOW_TO_INSTALL = "install the Debian packages postgresql-15 and postgresql-client-15 (`sudo make test` does)"

_PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def skip_reason():
    """Why no throwaway cluster can run on this machine, or None when one can."""
    for tool in ("initdb", "postgres"):
        if not (BIN / tool).is_file():
            return f"{BIN / tool} is missing: {HOW_TO_INSTALL}"
    if not Path(PSQL).is_file():
        return f"psql is missing: {HOW_TO_INSTALL}"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "initdb refuses root and the user postgres (made by the postgresql-15 package) does not exist"
    return None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresCluster:
    """A PostgreSQL server in a temporary folder, listening on 127.0.0.1 only."""

    def __init__(self, folder=None, tls=False):
        reason = skip_reason()
        if reason:
            raise RuntimeError(reason)
        self.folder = Path(folder or tempfile.mkdtemp(prefix="cpg-", dir="/tmp"))
        self.data = self.folder / "data"
        self.log_path = self.folder / "postgres.log"
        self.process = None
        self.port = None
        self.ca = None
        self._as_user = os.geteuid() == 0
        account = pwd.getpwnam("postgres") if self._as_user else pwd.getpwuid(os.geteuid())
        self._uid, self._gid = account.pw_uid, account.pw_gid
        os.chmod(self.folder, 0o755)
        self._initdb(tls)
        for attempt in range(5):
            self.port = _free_port()
            try:
                self.start()
            except PortTaken:
                self.log_path.write_text("")
                continue
            self.sql("CREATE ROLE password_required NOLOGIN")
            return
        raise RuntimeError(f"PostgreSQL found no free port in 5 tries:\n{self.log()}")

    # -- the server -----------------------------------------------------------------------------

    def _demote(self):
        if self._as_user:
            os.setgroups([])
            os.setgid(self._gid)
            os.setuid(self._uid)
        # After the change of user: changing credentials clears the parent-death signal.
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

    def _initdb(self, tls):
        self.data.mkdir(mode=0o700)
        os.chown(self.data, self._uid, self._gid)
        result = subprocess.run(
            [str(BIN / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
             "--locale=C", "--no-sync", "--no-instructions"],
            capture_output=True, text=True, timeout=120, preexec_fn=self._demote, cwd="/")
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        hba = self.data / "pg_hba.conf"
        # Roles made with a password must use it; the rest are trusted (the test's own machine).
        lines = ["host all +password_required 127.0.0.1/32 scram-sha-256",
                 "host all all 127.0.0.1/32 trust", "local all all trust"]
        hba.write_text("\n".join(lines) + "\n")
        settings = ["listen_addresses = '127.0.0.1'", "unix_socket_directories = ''",
                    "password_encryption = 'scram-sha-256'", "log_min_messages = warning"]
        if tls:
            from .exim import CertificateAuthority
            self.ca = CertificateAuthority(self.folder / "tls", name="concertd test PostgreSQL CA")
            for path in (self.ca.certificate, self.ca.key):
                os.chown(path, self._uid, self._gid)
                os.chmod(path, 0o600)
            os.chmod(self.ca.folder, 0o755)
            settings += ["ssl = on", f"ssl_cert_file = '{self.ca.certificate}'", f"ssl_key_file = '{self.ca.key}'"]
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\n# Tests/EndToEnd/harness/postgres.py\n" + "\n".join(settings) + "\n")
        for path in (hba, self.data / "postgresql.conf"):
            os.chown(path, self._uid, self._gid)

    def start(self, timeout=30):
        """Starts the server on its port and waits until it accepts connections."""
        assert self.process is None, "already running"
        log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [str(BIN / "postgres"), "-D", str(self.data), "-p", str(self.port)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, preexec_fn=self._demote, cwd="/")
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.process = None
                text = self.log()
                if "could not bind" in text[-2000:] or "Address already in use" in text[-2000:]:
                    raise PortTaken(text)
                raise RuntimeError(f"postgres exited while starting:\n{text[-3000:]}")
            if self._accepts():
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"postgres did not accept connections within {timeout} s:\n{self.log()[-3000:]}")

    def _accepts(self):
        result = subprocess.run([PSQL, *self._psql_target("postgres"), "-Atc", "SELECT 1"],
                                capture_output=True, text=True, timeout=30)
        return result.returncode == 0 and result.stdout.strip() == "1"

    def stop(self, timeout=30):
        """Stops the server (fast shutdown: open connections are ended), keeping its data."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def destroy(self):
        """Stops the server and removes its folder."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    # -- SQL ------------------------------------------------------------------------------------

    def _psql_target(self, database):
        return ["-h", "127.0.0.1", "-p", str(self.port), "-U", SUPERUSER, "-d", database, "-X", "-v",
                "ON_ERROR_STOP=1"]

    def sql(self, statement, database="postgres"):
        """Runs one statement as the superuser; returns its rows, one string per row (`|` between columns)."""
        result = subprocess.run([PSQL, *self._psql_target(database), "-Atc", statement],
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {statement}: {result.stderr}")
        return [line for line in result.stdout.splitlines() if line]

    def create_database(self, name, owner=SUPERUSER):
        """A new empty database; returns its URL for `database_url` (as the superuser, no password)."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"database name {name!r}: lower-case letters, digits and _ only")
        self.sql(f'CREATE DATABASE "{name}" OWNER "{owner}"')
        return self.url(name)

    def create_role(self, name, password=None):
        """A login role; with a password, the server requires it (scram-sha-256)."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"role name {name!r}: lower-case letters, digits and _ only")
        if password is None:
            self.sql(f'CREATE ROLE "{name}" LOGIN')
            return
        quoted = password.replace("'", "''")
        self.sql(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{quoted}'")
        self.sql(f'GRANT password_required TO "{name}"')

    def url(self, database, user=SUPERUSER):
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.destroy()


class PortTaken(RuntimeError):
    pass


def _serve():
    """The line protocol of the module docstring, for tests in other languages."""
    tls = "--tls" in sys.argv[1:]
    cluster = PostgresCluster(tls=tls)
    held = []
    try:
        print(cluster.port, cluster.ca.ca if cluster.ca else "", flush=True)
        for line in sys.stdin:
            words = line.split()
            if not words:
                continue
            try:
                if words == ["stop"]:
                    cluster.stop()
                    print("stopped", flush=True)
                elif words == ["start"]:
                    cluster.start()
                    print("started", flush=True)
                elif words[0] == "create" and len(words) == 2:
                    print(cluster.create_database(words[1]), flush=True)
                elif words[0] == "role" and len(words) == 3:
                    cluster.create_role(words[1], words[2])
                    print("ok", flush=True)
                elif words == ["other-ca"]:
                    from .exim import CertificateAuthority
                    other = CertificateAuthority(cluster.folder / f"other-ca-{len(held)}", name="another test CA")
                    held.append(other)
                    print(other.ca, flush=True)
                elif words == ["closed-port"]:
                    closed = socket.socket()
                    closed.bind(("127.0.0.1", 0))
                    held.append(closed)
                    print(closed.getsockname()[1], flush=True)
                else:
                    print(f"error unknown command {line.strip()!r}", flush=True)
            except Exception as error:  # reported to the caller, who decides
                print("error " + str(error).replace("\n", " | "), flush=True)
    finally:
        cluster.destroy()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    __package__ = "harness"
    _serve()

"""A real MTA from Debian as concertd's smarthost: Exim, requiring STARTTLS and AUTH, relaying onward.

    ca = CertificateAuthority(folder)         # a private CA and a certificate it signed for 127.0.0.1
    exim = EximRelay(folder, ca, relay_to=smtp.port, user="concertd", password="…")
    exim.start(); …; exim.mainlog(); exim.stop()

Exim (`exim4-daemon-light`) runs as this test's own process (`exim4 -C FILE -bdf -oX PORT`), never
as Debian's service: it listens on 127.0.0.1 on a free port, with a configuration written here.
Its ACL refuses MAIL before STARTTLS and before AUTH; a plaintext authenticator (PLAIN and LOGIN,
offered only over TLS) accepts one fixed user and password; a `manualroute` router sends every
message to `relay_to` on 127.0.0.1 (the aiosmtpd peer), so what Exim accepted can be read there.

Exim must be started by root to use its own configuration (`-C`) and keep the privileges it needs;
it then receives as the `Debian-exim` user, which must be able to reach its spool, logs and TLS key.
`skip_reason()` says why the scenario cannot run here, or None.
"""
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from .daemon import _die_with_the_test_process
from .waiting import poll_until

# `$CONCERTD_TEST_EXIM` names another exim4 binary (one unpacked from the .deb beside an installed
# Postfix, say); else Debian's.
EXIM = os.environ.get("CONCERTD_TEST_EXIM") or shutil.which("exim4", path="/usr/sbin:/usr/bin:/sbin:/bin")
EXIM_USER = "Debian-exim"
HOW_TO_RUN = "run `sudo make test` (or `sudo make e2e`), which also installs exim4-daemon-light"


def skip_reason():
    """Why the real-MTA scenario cannot run on this machine, or None when it can."""
    if os.geteuid() != 0:
        return ("Exim must be started as root to run with the test's own configuration (exim4 -C): "
                f"this run is not root; {HOW_TO_RUN}")
    if EXIM is None:
        postfix = shutil.which("postfix", path="/usr/sbin:/usr/bin")
        if postfix:
            return ("exim4 is not installed, and Postfix is: the two "
                    "exclude each other in apt; run `sudo apt-get install exim4-daemon-light` (which removes Postfix), "
                    "then `sudo make e2e`")
        return f"exim4 is not installed (Debian package exim4-daemon-light); {HOW_TO_RUN}"
    try:
        pwd.getpwnam(EXIM_USER)
    except KeyError:
        return f"the user {EXIM_USER} that Exim receives mail as does not exist; reinstall exim4-daemon-light"
    if shutil.which("openssl") is None:
        return "the openssl command (Debian package openssl) is needed to make the test CA"
    return None


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(*argv, cwd):
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"{' '.join(argv)} failed: {result.stderr}"


class CertificateAuthority:
    """A certificate authority made for one test, and a server certificate it signed for 127.0.0.1."""

    def __init__(self, folder, name="concertd test CA"):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.ca = self.folder / "ca.pem"
        self.certificate = self.folder / "server.pem"
        self.key = self.folder / "server.key"
        curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        _run("openssl", "req", "-x509", *curve, "-days", "2", "-subj", f"/CN={name}", "-keyout", "ca.key",
             "-out", "ca.pem", cwd=self.folder)
        _run("openssl", "req", *curve, "-subj", "/CN=127.0.0.1", "-keyout", "server.key", "-out", "server.csr",
             cwd=self.folder)
        (self.folder / "ext.cnf").write_text(
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
        _run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-days", "2", "-extfile", "ext.cnf", "-out", "server.pem", cwd=self.folder)


CONFIG = """\
# Written by Tests/EndToEnd/harness/exim.py: a smarthost requiring STARTTLS and AUTH.
primary_hostname = mta.test
exim_path = @EXIM@
spool_directory = @FOLDER@/spool
log_file_path = @FOLDER@/log/%slog
pid_file_path = @FOLDER@/exim.pid
local_interfaces = 127.0.0.1
tls_advertise_hosts = *
tls_certificate = @FOLDER@/server.pem
tls_privatekey = @FOLDER@/server.key
host_lookup =
rfc1413_hosts =
keep_environment =
acl_smtp_mail = acl_check_mail
acl_smtp_rcpt = acl_check_rcpt
log_selector = +tls_cipher +tls_peerdn +smtp_connection +received_recipients

begin acl

acl_check_mail:
  deny    message = STARTTLS is required
          condition = ${if eq{$tls_in_cipher}{}{yes}{no}}
  deny    message = authentication is required
          !authenticated = *
  accept

acl_check_rcpt:
  accept  authenticated = *
  deny    message = relay not permitted

begin routers

onward:
  driver = manualroute
  transport = to_peer
  route_list = * 127.0.0.1
  self = send

begin transports

to_peer:
  driver = smtp
  port = @RELAY_TO@
  allow_localhost = true
  hosts_avoid_tls = *

begin authenticators

plain:
  driver = plaintext
  public_name = PLAIN
  server_prompts = :
  server_condition = ${if and{{eq{$auth2}{@USER@}}{eq{$auth3}{@PASSWORD@}}}}
  server_set_id = $auth2
  server_advertise_condition = ${if def:tls_in_cipher}

login:
  driver = plaintext
  public_name = LOGIN
  server_prompts = Username:: : Password::
  server_condition = ${if and{{eq{$auth1}{@USER@}}{eq{$auth2}{@PASSWORD@}}}}
  server_set_id = $auth1
  server_advertise_condition = ${if def:tls_in_cipher}
"""


class EximRelay:
    """Exim on 127.0.0.1:`port`, requiring STARTTLS and AUTH, relaying every message to `relay_to`."""

    def __init__(self, folder, ca, relay_to, user, password):
        # Exim's receiving processes run as Debian-exim: its folder is outside the test's private one.
        assert all(c.isalnum() or c in "-_." for c in user + password), "keep Exim's expansion syntax out"
        self.folder = Path(tempfile.mkdtemp(prefix="cde-exim-", dir="/tmp"))
        os.chmod(self.folder, 0o755)
        self.port = _free_port()
        self.process = None
        exim = pwd.getpwnam(EXIM_USER)
        for sub in ("spool", "log"):
            (self.folder / sub).mkdir()
            os.chown(self.folder / sub, exim.pw_uid, exim.pw_gid)
        shutil.copy(ca.certificate, self.folder / "server.pem")
        shutil.copy(ca.key, self.folder / "server.key")
        os.chmod(self.folder / "server.key", 0o600)
        os.chown(self.folder / "server.key", exim.pw_uid, exim.pw_gid)
        self.config = self.folder / "exim.conf"
        text = CONFIG
        for token, value in (("@FOLDER@", self.folder), ("@EXIM@", EXIM), ("@RELAY_TO@", relay_to),
                             ("@USER@", user), ("@PASSWORD@", password)):
            text = text.replace(token, str(value))
        self.config.write_text(text)
        os.chmod(self.config, 0o644)  # root's, not writable by others: Exim trusts it with -C

    @property
    def url_without_user(self):
        return f"smtp://127.0.0.1:{self.port}"

    def start(self, timeout=20):
        log = open(self.folder / "exim-stderr.txt", "wb")
        self.process = subprocess.Popen(
            [EXIM, "-C", str(self.config), "-bdf", "-oX", str(self.port), "-oP", str(self.folder / "exim.pid")],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=self.folder, start_new_session=True,
            preexec_fn=_die_with_the_test_process)
        log.close()

        def listening():
            if self.process.poll() is not None:
                raise AssertionError(f"exim4 exited with {self.process.returncode}: {self.stderr()} {self.mainlog()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    return s.recv(128).startswith(b"220")
            except OSError:
                return False

        poll_until(listening, timeout, interval=0.1, what="Exim greeting on its port")
        return self

    def stderr(self):
        path = self.folder / "exim-stderr.txt"
        return path.read_text(errors="replace") if path.exists() else ""

    def mainlog(self):
        path = self.folder / "log" / "mainlog"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self):
        """SIGTERM to the daemon's pid, kill -9 after 10 s; then its folder goes."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        # Processes it forked (receiving, delivering) are in its process group: wait, then end them.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and self._children_left():
            time.sleep(0.1)
        if self._children_left():
            os.killpg(self.process.pid, signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _children_left(self):
        if self.process is None:
            return False
        try:
            os.killpg(self.process.pid, 0)
            return True
        except OSError:
            return False

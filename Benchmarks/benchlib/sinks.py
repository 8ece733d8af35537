"""The receivers the daemon sends to: nginx answering 204 and postfix's smtp-sink.

Both run as plain processes of this benchmark on free 127.0.0.1 ports, with their files in a
temporary folder; never as system services.
"""
import os
import shutil
import socket
import subprocess
import time
import urllib.request

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# Postfix's smtp-sink, unpacked from Debian's postfix package into the build folder rather than
# installed: installing postfix would remove exim4, the MTA the real-MTA end-to-end scenario uses.
SMTP_SINK_ROOT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                              ".build", "bench-tools", "postfix")
SMTP_SINK = os.path.join(SMTP_SINK_ROOT, "usr", "sbin", "smtp-sink")
SMTP_SINK_LIBRARIES = os.path.join(SMTP_SINK_ROOT, "usr", "lib", "postfix")


def unpack_smtp_sink():
    """Downloads Debian's postfix package (no install) and unpacks it under .build/bench-tools/."""
    if os.path.exists(SMTP_SINK):
        return
    download = os.path.join(os.path.dirname(SMTP_SINK_ROOT), "download")
    os.makedirs(download, exist_ok=True)
    # As root, apt's download user _apt cannot write into this folder: say so to apt, which then
    # downloads as root (and would otherwise warn that it did).
    subprocess.run(["apt-get", "download", "-qq", "-o", "APT::Sandbox::User=root", "postfix"], cwd=download,
                   check=True)
    package = next(name for name in sorted(os.listdir(download)) if name.startswith("postfix_"))
    subprocess.run(["dpkg-deb", "-x", os.path.join(download, package), SMTP_SINK_ROOT], check=True)
# Loopback addresses the webhook sink listens on: webhooks spread over them count as distinct
# destinations (a URL's host:port), as real subscribers' webhooks would.
SPREAD_HOSTS = [f"127.0.0.{i}" for i in range(1, 17)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_process(process):
    """Terminates `process` if it runs, killing it after 10 s."""
    if process and process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_port(host, port, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {host}:{port} after {timeout} s")


class Nginx:
    """nginx with one worker: `return 204` on `port` (every SPREAD_HOSTS address, no access log)
    and on `logged_port` (127.0.0.1, an access log of `$msec $request_uri` for arrival times)."""

    def __init__(self, directory, workers=1):
        self.directory = os.path.join(directory, "nginx")
        os.makedirs(self.directory, exist_ok=True)
        self.port = free_port()
        self.logged_port = free_port()
        self.access_log = os.path.join(self.directory, "arrivals.log")
        self.workers = workers
        self.process = None

    def config(self):
        d = self.directory
        user = "user root root;" if os.geteuid() == 0 else ""
        listens = "\n".join(f"        listen {host}:{self.port};" for host in SPREAD_HOSTS)
        return f"""
{user}
worker_processes {self.workers};
daemon off;
master_process on;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 8192; multi_accept on; }}
http {{
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    keepalive_timeout 300s;
    keepalive_requests 10000000;
    client_max_body_size 1m;
    client_body_buffer_size 64k;
    log_format arrival '$msec $request_uri';
    server {{
{listens}
        access_log off;
        location = /nginx-status {{ stub_status; }}
        location / {{ return 204; }}
    }}
    server {{
        listen 127.0.0.1:{self.logged_port};
        access_log {self.access_log} arrival;
        location / {{ return 204; }}
    }}
}}
"""

    def start(self):
        path = os.path.join(self.directory, "nginx.conf")
        with open(path, "w") as f:
            f.write(self.config())
        self.process = subprocess.Popen(
            [NGINX, "-p", self.directory, "-c", path], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wait_for_port("127.0.0.1", self.port)
        wait_for_port("127.0.0.1", self.logged_port)
        return self

    def url(self, path="/hook", host="127.0.0.1"):
        return f"http://{host}:{self.port}{path}"

    def logged_url(self, path="/hook"):
        return f"http://127.0.0.1:{self.logged_port}{path}"

    def requests_served(self):
        """nginx's own count of requests (stub_status), this one included."""
        return self.status()[2]

    def connections_accepted(self):
        """nginx's own count of accepted connections (stub_status), this request's included."""
        return self.status()[0]

    def status(self):
        """stub_status's accepts, handled and requests."""
        with urllib.request.urlopen(self.url("/nginx-status"), timeout=5) as reply:
            lines = reply.read().decode().splitlines()
        return [int(value) for value in lines[2].split()]

    def arrivals(self):
        """(msec as float seconds, request uri) of every request to logged_port so far."""
        rows = []
        if not os.path.exists(self.access_log):
            return rows
        with open(self.access_log) as f:
            for line in f:
                stamp, _, uri = line.strip().partition(" ")
                rows.append((float(stamp), uri))
        return rows

    def worker_cpu_seconds(self):
        from . import proc
        total = 0.0
        for child in _children(self.process.pid):
            total += proc.cpu_seconds(child)
        return total

    def stop(self):
        stop_process(self.process)


class SmtpSink:
    """postfix's smtp-sink (unpacked, see `unpack_smtp_sink`) on a free 127.0.0.1 port, accepting every
    message and keeping none."""

    def __init__(self, directory):
        self.directory = directory
        self.port = free_port()
        self.process = None

    def start(self):
        command = [SMTP_SINK, "-c", "-m", "1024"]
        if os.geteuid() == 0:
            command += ["-u", "nobody"]
        command += [f"127.0.0.1:{self.port}", "1024"]
        self.log = open(os.path.join(self.directory, "smtp-sink.out"), "w")
        environment = dict(os.environ, LD_LIBRARY_PATH=SMTP_SINK_LIBRARIES)
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, env=environment)
        wait_for_port("127.0.0.1", self.port)
        return self

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def stop(self):
        stop_process(self.process)
        self.log.close()


def _children(pid):
    children = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                children += [int(x) for x in f.read().split()]
        except FileNotFoundError:
            pass
    return children

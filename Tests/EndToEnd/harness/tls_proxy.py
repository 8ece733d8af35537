"""A TLS front for the daemon's web listener, as a city's web server is in production.

The listener speaks plain HTTP on 127.0.0.1; links in its messages name `web_base_url`. A mail
client sends RFC 8058's one-click POST only to an https URL, so the scenarios that read the
reminders' headers as a mail client does give the daemon `web_base_url = https://127.0.0.1:PORT`
and put this in front: it terminates TLS with a certificate made for 127.0.0.1 (openssl, one per
proxy) and relays the bytes both ways, unchanged, to the listener. Clients trust `ca_file`.

    proxy = TlsProxy(backend_port)      # listening at once
    proxy.url                            # https://127.0.0.1:PORT
    proxy.stop()
"""
import socket
import ssl
import subprocess
import tempfile
import threading
from pathlib import Path

from .web import free_port


def make_certificate(folder):
    """A self-signed certificate for IP 127.0.0.1 and localhost: (certificate path, key path)."""
    folder = Path(folder)
    cert, key = folder / "proxy.crt", folder / "proxy.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
         "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-addext", "basicConstraints=critical,CA:TRUE"],
        check=True, capture_output=True, timeout=60)
    return cert, key


class TlsProxy:
    def __init__(self, backend_port, folder=None):
        self.backend_port = backend_port
        self._folder = tempfile.TemporaryDirectory(prefix="cde-tls-") if folder is None else None
        self.ca_file, key = make_certificate(folder or self._folder.name)
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.context.load_cert_chain(self.ca_file, key)
        self.port = free_port()
        self._listener = socket.create_server(("127.0.0.1", self.port), backlog=256)
        self._stopped = threading.Event()
        self._open = set()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, name="tls-proxy", daemon=True)
        self._thread.start()

    @property
    def url(self):
        return f"https://127.0.0.1:{self.port}"

    def client_context(self):
        """An SSL context that trusts this proxy's certificate (and only it)."""
        return ssl.create_default_context(cafile=str(self.ca_file))

    def _accept(self):
        while not self._stopped.is_set():
            try:
                raw, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(raw,), daemon=True).start()

    def _serve(self, raw):
        raw.settimeout(30)
        try:
            client = self.context.wrap_socket(raw, server_side=True)
        except (OSError, ssl.SSLError):
            raw.close()
            return
        try:
            backend = socket.create_connection(("127.0.0.1", self.backend_port), timeout=30)
        except OSError:
            client.close()
            return
        with self._lock:
            self._open.update((client, backend))
        done = threading.Event()

        def pump(source, sink):
            try:
                while True:
                    data = source.recv(65536)
                    if not data:
                        break
                    sink.sendall(data)
            except (OSError, ssl.SSLError):
                pass
            finally:
                # Either side ending ends the pair: half-closing a TLS socket is not worth the care.
                if done.is_set():
                    return
                done.set()
                for s in (client, backend):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        threading.Thread(target=pump, args=(backend, client), daemon=True).start()
        pump(client, backend)
        done.wait(30)
        with self._lock:
            self._open.difference_update((client, backend))
        client.close()
        backend.close()

    def stop(self):
        self._stopped.set()
        self._listener.close()
        with self._lock:
            for s in list(self._open):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        if self._folder is not None:
            self._folder.cleanup()

"""A real HTTP/1.1 webhook receiver on 127.0.0.1 that records every request and answers as told.

It runs in the test process (a `ThreadingHTTPServer` on its own threads), so a test scripts its
answers and reads what arrived directly:

    receiver.script("/flaky", [Answer(500), Answer(429, retry_after="120"), Answer(204)])
    receiver.always("/gone", Answer(410))
    receiver.wait_for(lambda got: len(got) >= 3, route="/flaky", timeout=10)

A route is a URL path without its query; requests to a route nobody scripted get 204.
"""
import email.utils
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .waiting import Timeout


@dataclass(frozen=True)
class Answer:
    status: int = 204
    # `Retry-After` as given (seconds, or any text); `retry_after_date` instead sends the
    # HTTP-date that many real seconds after the answer.
    retry_after: str | None = None
    retry_after_date: float | None = None
    # Seconds to wait before answering (cut short when the receiver stops).
    hang: float = 0.0
    body: bytes = b""


@dataclass
class ReceivedRequest:
    method: str
    target: str  # path and query, as sent
    route: str  # path only
    query: dict
    headers: list  # [(name, value)] in arrival order
    body: bytes
    arrived: float  # time.time() when the request line and headers had been read
    client_port: int
    status: int = 0  # what the receiver answered (0 while hanging)

    def header(self, name):
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None

    def json(self):
        return json.loads(self.body)

    @property
    def idempotency_key(self):
        """`webhook-id` of a generic (Standard Webhooks) request, else `Idempotency-Key`."""
        return self.header("webhook-id") or self.header("Idempotency-Key")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes: without this, Nagle's algorithm and delayed
    # ACKs hold each keep-alive answer back by about 40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        self.server.receiver._handle(self)

    do_PUT = do_GET = do_POST


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # A client killed mid-request (the kill -9 scenario) resets its connections: expected.
        pass


class WebhookReceiver:
    def __init__(self):
        self._lock = threading.Condition()
        self._requests = []
        self._scripts = {}
        self._always = {}
        self._default = Answer()
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.receiver = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="webhook-receiver", daemon=True)
        self._thread.start()

    def url(self, route, query=""):
        return f"http://127.0.0.1:{self.port}{route}" + (f"?{query}" if query else "")

    def script(self, route, answers):
        """Answers the next requests to `route` with `answers`, in order; then as before."""
        with self._lock:
            self._scripts.setdefault(route, []).extend(answers)

    def always(self, route, answer):
        """Answers every request to `route` (after any script) with `answer`; `None` restores 204."""
        with self._lock:
            if answer is None:
                self._always.pop(route, None)
            else:
                self._always[route] = answer

    def default(self, answer):
        """Answers requests to routes with no script or `always` answer (204 unless set)."""
        with self._lock:
            self._default = answer

    def requests(self, route=None, prefix=None):
        """What arrived so far, in arrival order; only `route`, or routes starting with `prefix`."""
        with self._lock:
            return [
                r
                for r in self._requests
                if (route is None or r.route == route) and (prefix is None or r.route.startswith(prefix))
            ]

    def wait_for(self, predicate, timeout, route=None, prefix=None, what="requests"):
        """Waits until `predicate(requests)` holds for the requests selected as in `requests()`."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                if route is None and prefix is None:
                    got = self._requests  # read under the lock; not handed out
                else:
                    got = [
                        r
                        for r in self._requests
                        if (route is None or r.route == route) and (prefix is None or r.route.startswith(prefix))
                    ]
                if predicate(got):
                    return list(got)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Timeout(f"{what}: not there after {timeout:.1f} s; {len(got)} arrived")
                self._lock.wait(min(left, 0.5))

    def stop(self):
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _answer_for(self, route):
        with self._lock:
            queue = self._scripts.get(route)
            if queue:
                return queue.pop(0)
            return self._always.get(route, self._default)

    def _handle(self, handler):
        arrived = time.time()
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        parsed = urllib.parse.urlsplit(handler.path)
        record = ReceivedRequest(
            method=handler.command,
            target=handler.path,
            route=parsed.path,
            query=dict(urllib.parse.parse_qsl(parsed.query)),
            headers=list(handler.headers.items()),
            body=body,
            arrived=arrived,
            client_port=handler.client_address[1],
        )
        answer = self._answer_for(parsed.path)
        with self._lock:
            self._requests.append(record)
            self._lock.notify_all()
        if answer.hang:
            self._stopping.wait(answer.hang)
        headers = []
        if answer.retry_after is not None:
            headers.append(("Retry-After", answer.retry_after))
        if answer.retry_after_date is not None:
            headers.append(("Retry-After", email.utils.formatdate(time.time() + answer.retry_after_date, usegmt=True)))
        body = answer.body or (b"" if answer.status == 204 else b"status %d from the test receiver" % answer.status)
        try:
            handler.send_response(answer.status)
            for name, value in headers:
                handler.send_header(name, value)
            if answer.status != 204:
                handler.send_header("Content-Type", "text/plain")
                handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if body and answer.status != 204:
                handler.wfile.write(body)
            record.status = answer.status
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True

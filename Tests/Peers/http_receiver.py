#!/usr/bin/env python3
"""An HTTP receiver for concertd's sender tests: answers by path and records every request.

Usage: http_receiver.py LOG [--tls CERT KEY]

Listens on 127.0.0.1 on a port the system chooses, prints the port on stdout, then serves
until it is killed. Every request is appended to LOG as one JSON line:
{"method", "path", "headers": [[name, value], ...], "body": base64, "client_port"}.
The client port tells TCP connections apart.

The first path segments choose the answer; anything after them is ignored, so a URL can carry
a token like a real webhook:
  /status/CODE            CODE with a short text body (none for 204)
  /retry-after/N          429 with Retry-After: N
  /retry-after-date/N     429 with Retry-After: the HTTP-date N seconds from now
  /hang/N                 waits N seconds (fractions allowed), then 204
  /big/N                  200 with a body of N bytes
  anything else           204
"""
import base64
import email.utils
import json
import signal
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log_lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in separate writes: without this, Nagle's algorithm and delayed
    # ACKs hold each keep-alive answer back by about 40 ms.
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def do_GET(self):
        self.handle_any()

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        record = {
            "method": self.command,
            "path": self.path,
            "headers": [[name, value] for name, value in self.headers.items()],
            "body": base64.b64encode(body).decode("ascii"),
            "client_port": self.client_address[1],
        }
        with log_lock:
            with open(self.server.log_path, "a") as log:
                log.write(json.dumps(record) + "\n")
        parts = [part for part in self.path.split("?")[0].split("/") if part]
        action = parts[0] if parts else ""
        argument = parts[1] if len(parts) > 1 else ""
        if action == "status":
            code = int(argument)
            self.answer(code, b"" if code == 204 else ("status %d from the receiver" % code).encode())
        elif action == "retry-after":
            self.answer(429, b"slow down", [("Retry-After", argument)])
        elif action == "retry-after-date":
            when = email.utils.formatdate(time.time() + float(argument), usegmt=True)
            self.answer(429, b"slow down", [("Retry-After", when)])
        elif action == "hang":
            time.sleep(float(argument))
            self.answer(204, b"")
        elif action == "big":
            self.answer_big(int(argument))
        else:
            self.answer(204, b"")

    def answer(self, code, body, headers=()):
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        if code != 204:
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def answer_big(self, size):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        chunk = b"x" * 65536
        try:
            while size > 0:
                self.wfile.write(chunk[: min(size, len(chunk))])
                size -= len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.log_path = sys.argv[1]
    open(server.log_path, "a").close()
    if len(sys.argv) == 5 and sys.argv[2] == "--tls":
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    # A parent that runs on dispatch threads may hand down SIGTERM blocked: take it back.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    main()

#!/usr/bin/env python3
"""An HTTP receiver for concertd's sender tests: answers by path and records every request.

Usage: http_receiver.py LOG [--tls CERT KEY] [--echo TEXT]

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
  /echo/CODE/FORM         CODE with the body `Cannot POST <path> (<TEXT>)` written in FORM, and
                          that text in `Location`, `Retry-After` and `X-Echo` headers, as a
                          careless receiver quotes what it was sent (the URL's token, a secret
                          given with --echo). FORM is one of ECHO_FORMS below.
  anything else           204
"""
import argparse
import base64
import email.utils
import html
import json
import re
import signal
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log_lock = threading.Lock()


def escape_every_character(text, form):
    return "".join(ch if ch.isalnum() else form % ord(ch) for ch in text)


# How a receiver may write back what it was sent: each form encodes the whole text (`url` is
# `plain` with the whole URL instead of the path).
ECHO_FORMS = {
    "plain": lambda text: text,
    "json": lambda text: json.dumps({"error": text}).replace("/", "\\/"),
    "unicode": lambda text: escape_every_character(text, "\\u%04x"),
    "percent": lambda text: urllib.parse.quote(text, safe=""),
    "lower": lambda text: re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(), urllib.parse.quote(text, safe="")),
    "double": lambda text: urllib.parse.quote(urllib.parse.quote(text, safe=""), safe=""),
    "decoded": lambda text: urllib.parse.unquote(text),
    "html": lambda text: html.escape(text).replace("/", "&#x2F;"),
    "decimal": lambda text: escape_every_character(text, "&#%d;"),
    "form": lambda text: urllib.parse.quote_plus(text),
    "casefold": lambda text: text.lower(),
    "b64": lambda text: base64.b64encode(text.encode()).decode(),
    "b64url": lambda text: base64.urlsafe_b64encode(text.encode()).decode().rstrip("="),
    "hex": lambda text: text.encode().hex(),
    "HEX": lambda text: text.encode().hex().upper(),
    "trunc": lambda text: text[:-3] + "...",
    "spaced": lambda text: " ".join(text),
    "split": lambda text: text[: len(text) // 2] + "\n" + text[len(text) // 2 :],
    "wrapped": lambda text: "\n".join(
        base64.b64encode(text.encode()).decode()[i : i + 20] for i in range(0, 4 * len(text), 20)
    ).strip(),
}


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
        elif action == "echo":
            self.answer_echo(int(argument), parts[2] if len(parts) > 2 else "plain")
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

    def answer_echo(self, code, form):
        url = "http://%s%s" % (self.headers.get("Host", ""), self.path)
        said = (url if form == "url" else self.path) + (" (%s)" % self.server.echo if self.server.echo else "")
        text = ECHO_FORMS.get(form, ECHO_FORMS["plain"])("Cannot POST " + said)
        headers = [("Location", url), ("Retry-After", said), ("X-Echo", said)]
        self.answer(code, text.encode(), headers)

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
    parser = argparse.ArgumentParser()
    parser.add_argument("log")
    parser.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    parser.add_argument("--echo", default="")
    options = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.log_path = options.log
    server.echo = options.echo
    open(server.log_path, "a").close()
    if options.tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*options.tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    # A parent that runs on dispatch threads may hand down SIGTERM blocked: take it back.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    main()

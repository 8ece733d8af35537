"""A tiny client of the control socket: JSON-RPC 2.0, one request per line, over one connection."""
import json
import socket
import time

PROTOCOL = 1
# The daemon refuses request lines over 64 KiB (ControlLineFramer.maximumLineLength).
MAX_LINE = 65_536


class ControlError(Exception):
    def __init__(self, error):
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.error = error


class ControlClient:
    def __init__(self, path, timeout=600):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buffer = b""
        self.next_id = 1

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def encode(self, method, params=None):
        request = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "protocol": PROTOCOL}
        if params is not None:
            request["params"] = params
        self.next_id += 1
        return (json.dumps(request, ensure_ascii=False, separators=(",", ":")) + "\n").encode()

    def send_line(self, line):
        self.sock.sendall(line)

    def read_reply(self):
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("the daemon closed the connection")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        reply = json.loads(line)
        if "error" in reply:
            raise ControlError(reply["error"])
        return reply["result"]

    def call(self, method, params=None):
        self.send_line(self.encode(method, params))
        return self.read_reply()

    def timed_calls(self, method, count, params=None):
        """Latency in seconds of `count` sequential requests (each sent after the previous reply)."""
        line = None
        samples = []
        for _ in range(count):
            line = self.encode(method, params)
            start = time.perf_counter()
            self.send_line(line)
            self.read_reply()
            samples.append(time.perf_counter() - start)
        return samples


def bulk_requests(client, lines):
    """Splits JSON `lines` into `subscribe.bulk` requests that each fit the daemon's line limit."""
    requests = []
    chunk = []
    size = 200  # the envelope
    for line in lines:
        cost = len(json.dumps(line)) + 1
        if chunk and size + cost > MAX_LINE - 1024:
            requests.append(client.encode("subscribe.bulk", {"lines": chunk}))
            chunk, size = [], 200
        chunk.append(line)
        size += cost
    if chunk:
        requests.append(client.encode("subscribe.bulk", {"lines": chunk}))
    return requests


def import_lines(path, lines, window=4):
    """Imports subscription JSON lines through `subscribe.bulk` over one connection, keeping
    `window` requests in flight. Returns (seconds, imported, rejected, request count)."""
    with ControlClient(path) as client:
        requests = bulk_requests(client, lines)
        imported = rejected = 0
        start = time.perf_counter()
        sent = answered = 0
        while answered < len(requests):
            while sent < len(requests) and sent - answered < window:
                client.send_line(requests[sent])
                sent += 1
            result = client.read_reply()
            imported += result["imported"]
            rejected += len(result["rejected"])
            if result["rejected"] and rejected <= len(result["rejected"]):
                print(f"  first rejected line: {result['rejected'][0]}")
            answered += 1
        return time.perf_counter() - start, imported, rejected, len(requests)

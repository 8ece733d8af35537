"""A raw client of the control socket: bytes in, JSON-RPC lines out, for bad input and load."""
import json
import socket
import struct


class RawControl:
    def __init__(self, path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self._buffer = b""

    def send(self, data):
        self.sock.sendall(data)

    def request(self, method, params=None, id=1):
        """Sends one JSON-RPC request line and returns the decoded reply line."""
        message = {"jsonrpc": "2.0", "id": id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(json.dumps(message).encode() + b"\n")
        return self.reply()

    def read_line(self):
        """The next line (without its newline), or None when the daemon closed the connection."""
        while b"\n" not in self._buffer:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                return None
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line

    def reply(self):
        line = self.read_line()
        assert line is not None, "the daemon closed the connection without replying"
        return json.loads(line)

    def closed_by_peer(self, timeout=10.0):
        """Whether the daemon closes the connection (EOF or reset) within `timeout` seconds."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(1 << 16)
                if not chunk:
                    return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def reset(self):
        """Closes abruptly (RST), whatever the daemon is still writing."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

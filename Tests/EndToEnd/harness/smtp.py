"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message, in the test process.

    smtp.tempfail.add("later@example.org")   # RCPT TO answered 451
    smtp.reject.add("nobody@example.org")    # RCPT TO answered 550
    smtp.down(); …; smtp.up()                # connection refused meanwhile, same port after
"""
import socket
import threading
import time
from dataclasses import dataclass

from aiosmtpd.controller import Controller

from .waiting import Timeout


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list
    data: bytes  # the message as received after DATA, dot-unstuffed
    arrived: float


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        if address in self.server.tempfail:
            answer = f"451 4.3.0 <{address}>: try again later"
        elif address in self.server.reject:
            answer = f"550 5.1.1 <{address}>: no such user here"
        else:
            envelope.rcpt_tos.append(address)
            answer = "250 OK"
        with self.server._lock:
            self.server.rcpt_attempts.append((address, int(answer[:3]), time.time()))
        return answer

    async def handle_DATA(self, smtp, session, envelope):
        mail = ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content, time.time())
        with self.server._lock:
            self.server._messages.append(mail)
            self.server._lock.notify_all()
        return "250 2.0.0 Ok: queued"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    def __init__(self):
        self.tempfail = set()
        self.reject = set()
        self.rcpt_attempts = []  # (address, reply code, time.time()) for every RCPT TO
        self._lock = threading.Condition()
        self._messages = []
        self.port = _free_port()
        self._controller = None
        self.up()

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}"

    def up(self):
        if self._controller is None:
            self._controller = Controller(
                _Handler(self), hostname="127.0.0.1", port=self.port, server_hostname="peer.test", ready_timeout=10
            )
            self._controller.start()

    def down(self):
        """Stops listening: connections are refused until `up()`."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self, rcpt=None):
        with self._lock:
            return [m for m in self._messages if rcpt is None or rcpt in m.rcpt_tos]

    def wait_for(self, predicate, timeout, rcpt=None, what="mail"):
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                got = [m for m in self._messages if rcpt is None or rcpt in m.rcpt_tos]
                if predicate(got):
                    return got
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Timeout(f"{what}: not there after {timeout:.1f} s; {len(got)} arrived")
                self._lock.wait(min(left, 0.5))

    def stop(self):
        self.down()

#!/usr/bin/env python3
"""A local mail sink for trying concertd: prints each message as a mail client shows it.

    python3 scripts/mail-sink.py [HOST:PORT]        (default 127.0.0.1:8025)

concertd sends its text in base64, which `python3 -m aiosmtpd -n` prints undecoded. This sink
(aiosmtpd, with Python's email module) prints the sender, the recipients, the subject, the
List-Unsubscribe headers and the decoded plain-text part, so that the confirmation link can be
copied from the terminal. Nothing is relayed or kept. Stop it with Ctrl-C.
"""

import email
import email.policy
import sys
import time

from aiosmtpd.controller import Controller

HEADERS = ("From", "To", "Subject", "List-Unsubscribe", "List-Unsubscribe-Post")


def readable(data):
    """The message's headers of interest and its plain-text part, decoded."""
    message = email.message_from_bytes(data, policy=email.policy.default)
    lines = [f"{name}: {message[name]}" for name in HEADERS if message[name] is not None]
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else "(no text part)"
    return "\n".join(lines) + "\n\n" + text.replace("\r\n", "\n").rstrip("\n")


class PrintingHandler:
    async def handle_DATA(self, server, session, envelope):
        print("---------- message to " + ", ".join(envelope.rcpt_tos) + " ----------")
        print(readable(envelope.original_content or envelope.content), flush=True)
        return "250 OK"


def main():
    host, _, port = (sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8025").rpartition(":")
    controller = Controller(PrintingHandler(), hostname=host or "127.0.0.1", port=int(port))
    controller.start()
    print(f"mail sink listening on {controller.hostname}:{controller.port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        controller.stop()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""An SMTP server for concertd's sender tests: aiosmtpd saving every message, with scripted failures.

Usage: smtp_server.py DIR [--tempfail ADDRESS]... [--reject ADDRESS]... [--tempfail-data]
                          [--auth-reject] [--greeting-421] [--auth USER:PASSWORD]
                          [--auth-echo PLAIN|LOGIN]
                          [--starttls CERT KEY | --implicit-tls CERT KEY]

Listens on 127.0.0.1 on a port the system chooses, prints the port on stdout, then serves until
it is killed. Each accepted message is saved as DIR/NNNN.eml (the bytes received after DATA,
dot-unstuffed, without the final ".") with DIR/NNNN.json beside it (mail_from, rcpt_tos,
client_port, tls, authenticated_as; the client port tells TCP connections apart, `tls` is the TLS
version the message came over or null).

  --tempfail ADDRESS  answers RCPT TO:<ADDRESS> with 451
  --reject ADDRESS    answers RCPT TO:<ADDRESS> with 550
  --tempfail-data     answers the end of every message with 452
  --auth-reject       offers AUTH (over plain text) and refuses any credentials with 535
  --greeting-421      greets every connection with 421 and closes it
  --auth-echo MECH    offers only AUTH MECH (PLAIN or LOGIN) in clear and refuses it with a 535
                      that quotes the client's base64 arguments, as some smarthosts do
  --auth USER:PASSWORD  offers AUTH PLAIN and LOGIN only after STARTTLS and accepts only these
                      credentials; MAIL is refused until then
  --starttls CERT KEY offers STARTTLS with this certificate chain and key (PEM files)
  --implicit-tls CERT KEY  speaks TLS from the first byte (smtps) with this certificate and key
"""
import argparse
import asyncio
import json
import signal
import os
import ssl

from aiosmtpd.smtp import SMTP, AuthResult


class Handler:
    def __init__(self, options):
        self.options = options
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.options.tempfail:
            return "451 4.3.0 <%s>: try again later" % address
        if address in self.options.reject:
            return "550 5.1.1 <%s>: no such user here" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.options.tempfail_data:
            return "452 4.3.1 insufficient system storage"
        self.count += 1
        base = os.path.join(self.options.dir, "%04d" % self.count)
        tls = server.transport.get_extra_info("ssl_object")
        with open(base + ".eml.tmp", "wb") as message:
            message.write(envelope.original_content)
        with open(base + ".json", "w") as meta:
            json.dump(
                {
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": envelope.rcpt_tos,
                    "client_port": session.peer[1],
                    "tls": None if tls is None else tls.version(),
                    "authenticated_as": self.options.auth.split(":")[0] if session.authenticated else None,
                },
                meta,
            )
        os.rename(base + ".eml.tmp", base + ".eml")
        return "250 2.0.0 Ok: queued as %04d" % self.count


def refuse_all(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=False, handled=False)


def accept_only(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok)
    return check


def tls_context(files):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(files[0], files[1])
    return context


def auth_echo(mechanism):
    """A smarthost that offers AUTH `mechanism` in clear and refuses it, quoting what it got."""
    async def serve(reader, writer):
        async def say(line):
            writer.write(line.encode() + b"\r\n")
            await writer.drain()

        async def read():
            return (await reader.readline()).decode("ascii", "replace").rstrip("\r\n")

        await say("220 peer.test ESMTP echo")
        while True:
            line = await read()
            if not line:
                break
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                await say("250-peer.test")
                await say("250 AUTH " + mechanism)
            elif verb == "AUTH":
                words = line.split(" ")[2:]
                if mechanism == "LOGIN":
                    if not words:
                        await say("334 VXNlcm5hbWU6")
                        words.append(await read())
                    await say("334 UGFzc3dvcmQ6")
                    words.append(await read())
                elif not words:
                    await say("334 ")
                    words.append(await read())
                await say("535 5.7.8 bad credentials " + " ".join(words))
            elif verb == "QUIT":
                await say("221 2.0.0 bye")
                break
            else:
                await say("503 5.5.1 authenticate first")
        writer.close()
    return serve


async def greet_421(reader, writer):
    writer.write(b"421 4.3.2 service not available, closing channel\r\n")
    await writer.drain()
    writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dir")
    parser.add_argument("--tempfail", action="append", default=[])
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--tempfail-data", action="store_true")
    parser.add_argument("--auth-reject", action="store_true")
    parser.add_argument("--greeting-421", action="store_true")
    parser.add_argument("--auth-echo", choices=["PLAIN", "LOGIN"])
    parser.add_argument("--auth")
    parser.add_argument("--starttls", nargs=2)
    parser.add_argument("--implicit-tls", nargs=2)
    options = parser.parse_args()
    os.makedirs(options.dir, exist_ok=True)

    loop = asyncio.get_running_loop()
    if options.greeting_421:
        server = await asyncio.start_server(greet_421, "127.0.0.1", 0)
    elif options.auth_echo:
        server = await asyncio.start_server(auth_echo(options.auth_echo), "127.0.0.1", 0)
    else:
        handler = Handler(options)
        settings = {"hostname": "peer.test", "ident": "concertd test peer"}
        if options.auth_reject:
            settings.update(authenticator=refuse_all, auth_require_tls=False)
        if options.auth:
            user, password = options.auth.split(":", 1)
            settings.update(authenticator=accept_only(user, password), auth_required=True, auth_require_tls=True)
        if options.starttls:
            settings.update(tls_context=tls_context(options.starttls), require_starttls=bool(options.auth))
        implicit = tls_context(options.implicit_tls) if options.implicit_tls else None
        server = await loop.create_server(lambda: SMTP(handler, **settings), "127.0.0.1", 0, ssl=implicit)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    # A parent that runs on dispatch threads may hand down SIGTERM blocked: take it back.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    asyncio.run(main())

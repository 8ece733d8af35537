"""Scenario 9: webhook receivers cannot make concertd reveal a subscription's secrets.

A careless receiver answers 404 quoting the request path (where chat services keep their token)
and the signing secret, as it is and escaped for JSON, percent-encoded and HTML. What concertd
stores (`last_error` in the database file itself), answers (`concertctl test`, `deliveries`) and
logs shows none of them.
"""
import html
import sqlite3
import urllib.parse

from harness.receiver import Answer
from harness.waiting import poll_until

SIGNING = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SLACK_ROUTE = "/services/T0AAAAAAA/B0BBBBBBB/XXXXXXXXXXXXXXXXXXXXXXXX"
GENERIC_ROUTE = "/hooks/concertd/0b7c6d5e4f3a9b8c"


def careless_404(route, secret=""):
    said = f"{route} {secret}".strip()
    forms = [said, said.replace("/", "\\/"), urllib.parse.quote(said, safe=""), html.escape(said).replace("/", "&#47;")]
    return Answer(404, body=("Cannot POST " + " | ".join(forms)).encode())


def secrets_in(text, secrets):
    decoded = [text, urllib.parse.unquote(text), text.replace("\\/", "/"), html.unescape(text)]
    return [s for s in secrets if any(s in d for d in decoded)]


def test_a_receiver_quoting_the_url_token_or_signing_secret_reveals_neither(make_daemon, receiver):
    daemon = make_daemon()
    receiver.always(SLACK_ROUTE, careless_404(SLACK_ROUTE))
    receiver.always(GENERIC_ROUTE, careless_404(GENERIC_ROUTE, SIGNING))
    # Daegu's concert starts at 14:00; the 1h reminders fall due 6 real seconds after the start.
    daemon.start("2019-10-29T12:59:00+09:00", 10)
    slack = daemon.subscribe("daegu", webhook=receiver.url(SLACK_ROUTE), format="slack", before="1h", quiet=True)
    generic = daemon.subscribe(
        "daegu", webhook=receiver.url(GENERIC_ROUTE), format="generic", secret=SIGNING, before="1h", quiet=True)
    secrets = [
        "T0AAAAAAA", "B0BBBBBBB", "XXXXXXXXXXXXXXXXXXXXXXXX", "0b7c6d5e4f3a9b8c", SIGNING,
        SIGNING.removeprefix("whsec_"),
    ]

    replies = [daemon.ctl("test", slack["id"]), daemon.ctl("test", generic["id"])]
    for reply in replies:
        assert reply.returncode == 1, str(reply)
        detail = reply.json["detail"]
        assert detail.startswith("HTTP 404: Cannot POST"), detail
        assert not secrets_in(detail, secrets), detail

    # The reminders fail for good (404) and are stored without the secrets.
    def failed():
        rows = [r for r in daemon.deliveries(state="failed") if r["kind"] == "reminder"]
        return rows if len(rows) == 2 else None
    listed = poll_until(failed, 20, what="both reminders failed")
    for row in listed:
        assert not secrets_in(row["last_error"], secrets), row

    with sqlite3.connect(f"file:{daemon.database_path}?mode=ro", uri=True) as db:
        stored = [error for (error,) in db.execute("SELECT last_error FROM delivery WHERE last_error IS NOT NULL")]
    assert len(stored) == 4, stored  # two tests, two reminders
    for error in stored:
        assert error.startswith("HTTP 404: Cannot POST"), error
        assert not secrets_in(error, secrets), f"the database holds {secrets_in(error, secrets)}: {error}"

    log = daemon.log()
    assert "HTTP 404" in log or "delivery failed" in log, log[-2000:]
    assert not secrets_in(log, secrets), f"the log shows {secrets_in(log, secrets)}"

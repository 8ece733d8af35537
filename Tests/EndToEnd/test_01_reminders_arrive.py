"""Scenario 1: an email and a webhook of every format, each reminded on time, once, correctly.

The Gongju/Buyeo concert starts on Thursday 24 October 2019 at 14:00 Korea time. With the clock
at 60× from 12:50, its `1h` reminders fall due 10 real seconds after start and its `50m` ones 10
seconds later. The daemon runs in Honolulu's time zone, to show that Korea time is used anyway.
"""
import datetime as dt

import pytest
from standardwebhooks.webhooks import Webhook

from harness.clock import kst
from harness.messages import ParsedMail, webhook_text

CONCERT = "gongju-buyeo-2019"
START = kst("2019-10-24T14:00")
OFFSETS = {"1h": dt.timedelta(hours=1), "50m": dt.timedelta(minutes=50)}
KOREAN_WHEN = "2019년 10월 24일 (목) 14:00–17:00"
ENGLISH_WHEN = "Thursday 24 October 2019, 14:00–17:00 KST"
FORMATS = ["generic", "slack", "mattermost", "discord", "teams", "googlechat", "telegram", "dooray", "jandi",
           "kakaowork"]


def route_of(format):
    return "/bot123:ABC/sendMessage" if format == "telegram" else f"/{format}/T0KEN"


def test_every_channel_gets_each_reminder_on_time_once_with_the_right_text(make_daemon, receiver, smtp):
    daemon = make_daemon(smtp=smtp.url, env={"TZ": "Pacific/Honolulu"})
    daemon.start("2019-10-24T12:50+09:00", 60)

    secret = None
    subscriptions = {}
    for format in FORMATS:
        url = receiver.url(route_of(format), "chat_id=42" if format == "telegram" else "")
        reply = daemon.subscribe("gongju", webhook=url, format=format, before="1h,50m", quiet=True)
        subscriptions[format] = reply["id"]
        if format == "generic":
            secret = reply["secret"]
    # The same Mattermost channel again, for Buyeo: the concert is shared, so one message per offset.
    duplicate = daemon.subscribe(
        "buyeo", webhook=receiver.url(route_of("mattermost")), format="mattermost", before="1h,50m", quiet=True)
    mail_ko = daemon.subscribe("공주", email="citizen.ko@example.org", before="1h,50m", quiet=True)["id"]
    mail_en = daemon.subscribe("Gongju", email="citizen.en@example.org", before="1h,50m", lang="en", quiet=True)["id"]
    assert secret and secret.startswith("whsec_")

    due_real = {offset: daemon.clock.real_time(START - ahead) for offset, ahead in OFFSETS.items()}
    assert min(due_real.values()) > daemon.clock.real_time(daemon.clock.now()) + 2, "subscribing took too long"

    expected_sent = 2 * (len(FORMATS) + 2)
    counts = daemon.wait_until_settled(expected_sent, timeout=60)
    assert counts.get("sent") == expected_sent, counts

    # Webhooks: two requests per channel (1h, then 50m), each within a real second of its due moment.
    lateness = []
    for format in FORMATS:
        got = receiver.requests(route=route_of(format))
        assert len(got) == 2, f"{format}: {len(got)} requests, expected 2"
        keys = [r.idempotency_key for r in got]
        assert all(keys) and len(set(keys)) == 2, f"{format}: idempotency keys {keys}"
        for request, offset in zip(got, OFFSETS):
            late = request.arrived - due_real[offset]
            lateness.append(late)
            assert -0.05 <= late <= 1.0, f"{format} {offset}: arrived {late:+.3f} s from its due moment"
            assert request.method == "POST"
            assert request.header("Content-Type").startswith("application/json")
            text = webhook_text(format, request)
            assert "[공주]" in text and KOREAN_WHEN in text and "이정훈" in text, f"{format}: {text}"
    assert [r.query for r in receiver.requests(route=route_of("telegram"))] == [{}, {}], "chat_id left in the URL"
    assert {r.json()["chat_id"] for r in receiver.requests(route=route_of("telegram"))} in ({42}, {"42"})
    assert all(r.header("Accept") == "application/vnd.tosslab.jandi-v2+json"
               for r in receiver.requests(route=route_of("jandi")))

    # The generic webhook: Standard Webhooks signature verified by the reference library.
    verifier = Webhook(secret)
    for request, offset in zip(receiver.requests(route=route_of("generic")), OFFSETS):
        payload = verifier.verify(request.body, dict(request.headers))
        assert payload["type"] == "reminder" and payload["offset"] == offset
        assert payload["concert"]["id"] == CONCERT
        assert payload["concert"]["start"] == "2019-10-24T14:00:00+09:00"
        assert payload["idempotency_key"] == request.header("webhook-id")
    forged = receiver.requests(route=route_of("generic"))[0]
    with pytest.raises(Exception):
        verifier.verify(forged.body.replace(b"14:00", b"15:00"), dict(forged.headers))

    # Email: one per offset and address, parsed without defects, subject decoded, .ics readable.
    for address, subscription, when in (("citizen.ko@example.org", mail_ko, KOREAN_WHEN),
                                        ("citizen.en@example.org", mail_en, ENGLISH_WHEN)):
        mails = smtp.messages(rcpt=address)
        assert len(mails) == 2, f"{address}: {len(mails)} messages"
        message_ids = set()
        for mail, offset in zip(mails, OFFSETS):
            late = mail.arrived - due_real[offset]
            lateness.append(late)
            assert -0.05 <= late <= 1.0, f"{address} {offset}: arrived {late:+.3f} s from its due moment"
            parsed = ParsedMail(mail.data)
            assert parsed.defects() == [], parsed.defects()
            assert mail.rcpt_tos == [address] and parsed.header("To").endswith(address)
            if address.startswith("citizen.ko"):
                assert "[공주]" in parsed.subject, parsed.subject
            else:
                assert "[Gongju]" in parsed.subject, parsed.subject
            assert when in parsed.text(), parsed.text()
            message_ids.add(parsed.header("Message-ID"))
            calendars = parsed.calendars()
            assert len(calendars) == 1, "expected one text/calendar part"
            events = calendars[0].walk("VEVENT")
            assert len(events) == 1
            assert events[0].decoded("DTSTART") == START and events[0].decoded("DTEND") == kst("2019-10-24T17:00")
        assert len(message_ids) == 2 and None not in message_ids, message_ids

    print(f"\n{len(lateness)} reminders arrived {min(lateness) * 1000:+.0f} to {max(lateness) * 1000:+.0f} ms "
          "from their due moments")

    # The duplicate subscription's reminders were not sent a second time.
    duplicate_rows = daemon.deliveries(subscription=duplicate["id"])
    assert {r["state"] for r in duplicate_rows} == {"skipped"}, duplicate_rows
    assert all(r["concert"] == CONCERT for r in duplicate_rows)

    # Nothing else went out, and nothing is left to send.
    assert len(receiver.requests()) == 2 * len(FORMATS)
    assert len(smtp.messages()) == 4
    assert daemon.delivery_counts().keys() <= {"sent", "skipped"}

    # Secrets stay secret: the signing secret and the tokens inside webhook URLs are in no log
    # line and no listing.
    listings = daemon.ctl("subscriptions").stdout + daemon.ctl("deliveries", "--limit", "1000").stdout
    for secret_text in (secret, secret.removeprefix("whsec_"), "T0KEN", "123:ABC"):
        assert secret_text not in daemon.log(), f"{secret_text!r} in the daemon's log"
        assert secret_text not in listings, f"{secret_text!r} in a listing"

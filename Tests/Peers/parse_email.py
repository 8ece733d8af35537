#!/usr/bin/env python3
"""Parses one email from stdin with Python's `email` package and its calendar with `icalendar`.

Prints one JSON object describing what a standards-following reader sees, so Swift tests can
assert on it: every defect the parser found, the decoded headers, each leaf part's type,
transfer encoding and decoded content, and the attached calendar's event.

    python3 Tests/Peers/parse_email.py < message.eml
"""
import datetime
import email
import email.header
import email.policy
import json
import re
import sys

import icalendar


def part_defects(msg):
    found = []
    for part in msg.walk():
        found += [type(d).__name__ + ": " + str(d) for d in part.defects]
        for name, value in part.items():
            found += [f"{name}: " + type(d).__name__ + ": " + str(d) for d in getattr(value, "defects", ())]
    return found


def moment(value):
    if isinstance(value, datetime.datetime):
        offset = value.utcoffset()
        return {
            "kind": "datetime",
            "iso": value.isoformat(),
            "utcOffsetSeconds": None if offset is None else int(offset.total_seconds()),
        }
    return {"kind": "date", "iso": value.isoformat(), "utcOffsetSeconds": None}


def calendar(data):
    cal = icalendar.Calendar.from_ical(data)
    errors = [str(e) for c in cal.walk() for e in getattr(c, "errors", [])]
    events = cal.walk("VEVENT")
    timezones = cal.walk("VTIMEZONE")
    event = events[0]
    return {
        "method": str(cal.get("METHOD")),
        "version": str(cal.get("VERSION")),
        "productID": str(cal.get("PRODID")),
        "errors": errors,
        "eventCount": len(events),
        "timeZoneIDs": [str(tz.get("TZID")) for tz in timezones],
        "uid": str(event.get("UID")),
        "sequence": int(event.get("SEQUENCE")),
        "status": str(event.get("STATUS")),
        "summary": str(event.get("SUMMARY")),
        "location": None if event.get("LOCATION") is None else str(event.get("LOCATION")),
        "description": str(event.get("DESCRIPTION")),
        "url": str(event.get("URL")),
        "organizer": str(event.get("ORGANIZER")),
        "attendee": str(event.get("ATTENDEE")),
        "start": moment(event.decoded("DTSTART")),
        "end": moment(event.decoded("DTEND")),
        "stamp": moment(event.decoded("DTSTAMP")),
    }


def rfc2047_display_names(raw_value):
    """The display names of a raw address header (one mailbox per header here), decoded by RFC 2047 §6.2.

    Python's `headerregistry` shows a space between adjacent encoded words of a display name (even
    its own output does not read back); the older `email.header.decode_header` drops that
    whitespace, as the RFC says. A quoted-string name is unquoted.
    """
    value = re.sub(r"\r?\n(?=[ \t])", "", raw_value).strip()  # unfolded: the line breaks go, the spaces stay
    phrase = value[:value.rfind("<")].strip() if value.endswith(">") else ""
    if phrase.startswith('"') and phrase.endswith('"'):
        return [phrase[1:-1].replace('\\"', '"').replace("\\\\", "\\")]
    return [str(email.header.make_header(email.header.decode_header(phrase)))]


def main():
    raw = sys.stdin.buffer.read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    parts = []
    ics = None
    for part in msg.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        entry = {
            "contentType": part.get_content_type(),
            "charset": part.get_content_charset(),
            "transferEncoding": part.get("Content-Transfer-Encoding", ""),
            "disposition": part.get_content_disposition(),
            "filename": part.get_filename(),
            "method": part.get_param("method"),
            "content": payload.decode(part.get_content_charset() or "ascii"),
        }
        parts.append(entry)
        if part.get_content_type() == "text/calendar":
            ics = calendar(payload)
    sender = msg["From"].addresses[0]
    reply_to = msg["Reply-To"]
    raw = email.message_from_bytes(raw, policy=email.policy.compat32)
    print(json.dumps({
        "defects": part_defects(msg),
        "subject": str(msg["Subject"]),
        "fromName": sender.display_name,
        "fromAddress": sender.addr_spec,
        "to": [a.addr_spec for a in msg["To"].addresses],
        "replyTo": None if reply_to is None else [a.addr_spec for a in reply_to.addresses],
        "replyToNames": None if reply_to is None else [a.display_name for a in reply_to.addresses],
        "fromNameRFC2047": rfc2047_display_names(raw["From"])[0],
        "replyToNamesRFC2047": None if reply_to is None else rfc2047_display_names(raw["Reply-To"]),
        "messageID": str(msg["Message-ID"]),
        "date": msg["Date"].datetime.isoformat(),
        "mimeVersion": str(msg["MIME-Version"]),
        "autoSubmitted": str(msg["Auto-Submitted"]),
        "listUnsubscribe": None if msg["List-Unsubscribe"] is None else str(msg["List-Unsubscribe"]),
        "listUnsubscribePost": None if msg["List-Unsubscribe-Post"] is None else str(msg["List-Unsubscribe-Post"]),
        "contentType": msg.get_content_type(),
        "structure": [p.get_content_type() for p in msg.walk()],
        "parts": parts,
        "calendar": ics,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()

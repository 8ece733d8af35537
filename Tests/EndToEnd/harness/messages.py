"""What a person reads in each kind of message: the text of every webhook format, and an email."""
import email
import email.policy

import icalendar


def webhook_text(format, request):
    """The human text of a webhook request in `format`, as the chat service would show it."""
    body = request.json()
    if format in ("generic", "slack", "mattermost", "googlechat", "kakaowork", "dooray", "telegram"):
        text = body["text"]
    elif format == "discord":
        text = body["content"]
    elif format == "jandi":
        text = body["body"]
    elif format == "teams":
        card = body["attachments"][0]["content"]
        text = "\n".join(block["text"] for block in card["body"] if block.get("type") == "TextBlock")
    else:
        raise ValueError(f"unknown format {format}")
    if format == "slack":
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text


class ParsedMail:
    """An email read by Python's standard `email` package (policy.default), with its calendar."""

    def __init__(self, data):
        self.raw = data
        self.message = email.message_from_bytes(data, policy=email.policy.default)

    def defects(self):
        found = []
        for part in self.message.walk():
            found += [f"{type(d).__name__}: {d}" for d in part.defects]
            for name, value in part.items():
                found += [f"{name}: {type(d).__name__}: {d}" for d in getattr(value, "defects", ())]
        return found

    @property
    def subject(self):
        return str(self.message["Subject"])

    def header(self, name):
        value = self.message[name]
        return None if value is None else str(value)

    def text(self):
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    def calendars(self):
        """Every text/calendar part, parsed by `icalendar`."""
        found = []
        for part in self.message.walk():
            if part.get_content_type() == "text/calendar":
                found.append(icalendar.Calendar.from_ical(part.get_payload(decode=True)))
        return found

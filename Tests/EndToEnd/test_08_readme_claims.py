"""README claims not shown by the numbered scenarios.

- "A reminder whose due time had already passed when the subscription was made is not sent:
  someone who subscribes two hours before a concert gets its 1h reminder only. Concerts that are
  over get none."
- "A city is found by its id (`busan`, any case), its Korean short name (`부산`, `수영구`) or its
  full name (`부산광역시`)."
- A new subscription gets a short confirmation naming its next concert (not with --quiet).
- "One timer … With nothing due it is disarmed: an idle concertd makes no periodic wake-ups."
- To try the web form, `scripts/mail-sink.py` shows the confirmation mail's link readable in the
  terminal (concertd's text is base64, which `python3 -m aiosmtpd -n` prints undecoded).
"""
import glob
import os
import smtplib
import subprocess
import sys
import time
from email.message import EmailMessage

import pytest

from harness.waiting import poll_until
from harness.web import free_port

SINK = [sys.executable, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "mail-sink.py")]


def printed_by_sink(command, message):
    """What a mail sink started with `command` + HOST:PORT prints for one message sent to it."""
    port = free_port()
    sink = subprocess.Popen(
        command + [f"127.0.0.1:{port}"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        poll_until(lambda: _accepts(port), timeout=10, what="the mail sink listening")
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.send_message(message)
        time.sleep(0.5)
    finally:
        sink.terminate()
        output, _ = sink.communicate(timeout=10)
    return output


def _accepts(port):
    try:
        smtplib.SMTP("127.0.0.1", port, timeout=1).quit()
        return True
    except OSError:
        return False


def test_late_subscribers_get_only_the_reminders_still_ahead_and_a_confirmation_at_once(make_daemon, receiver):
    daemon = make_daemon()
    daemon.start("2019-10-29T12:00+09:00", 1)  # two hours before Daegu's concert (14:00)

    reply = daemon.subscribe("daegu", webhook=receiver.url("/late"), format="generic")  # default 7d, 1d, 1h
    assert reply["subscription"]["before"] == ["7d", "1d", "1h"]
    # The reply names the reminders whose moment had passed.
    unplanned = [w for w in reply["warnings"] if "not planned" in w]
    assert [w.split()[0] for w in unplanned] == ["7d", "1d"], reply["warnings"]
    confirmation = receiver.wait_for(lambda got: len(got) == 1, route="/late", timeout=5, what="a confirmation")[0]
    payload = confirmation.json()
    assert payload["type"] == "confirmation" and payload["concert"]["id"] == "daegu-2019", payload
    assert confirmation.arrived - daemon.clock.real_start < 3

    upcoming = [d for d in daemon.ctl_ok("upcoming")["deliveries"] if d["subscription"] == reply["id"]]
    assert [(d["offset"], d["due"]) for d in upcoming] == [("1h", "2019-10-29T13:00:00+09:00")]

    # Daejeon's concert (23 October) is over: a warning, and nothing planned.
    over = daemon.ctl("subscribe", "daejeon", "--webhook", receiver.url("/over"), "--format", "generic")
    assert over.returncode == 0, str(over)
    assert over.json["warnings"] and "daejeon" in " ".join(over.json["warnings"]).lower(), over.json
    assert "warning" in over.stderr
    poll_until(lambda: daemon.delivery_counts().get("sent") == 1, 5, what="the confirmation recorded")
    assert daemon.deliveries(subscription=over.json["id"]) == []

    # Cities by id in any case, Korean short name, full name, alias.
    for index, (name, city) in enumerate([("BUSAN", "busan"), ("부산", "busan"), ("부산광역시", "busan"),
                                          ("수영구", "suyeong"), ("부여시", "buyeo"), ("Suyeong", "suyeong")]):
        made = daemon.subscribe(name, webhook=receiver.url(f"/city/{city}/{index}"), format="slack", quiet=True)
        assert made["subscription"]["cities"] == [city], (name, made["subscription"])
    # The same channel, cities, reminders and language again is refused, naming the first.
    again = daemon.ctl("subscribe", "부산", "--webhook", receiver.url("/city/busan/0"), "--format", "slack")
    assert again.returncode == 1 and "[conflict]" in again.stderr, str(again)


def context_switches(pid):
    """Voluntary and involuntary context switches of each thread of `pid`, by thread id."""
    counts = {}
    for task in glob.glob(f"/proc/{pid}/task/*"):
        try:
            with open(f"{task}/status") as status:
                counts[task] = sum(int(line.split()[1]) for line in status if "ctxt_switches" in line)
        except FileNotFoundError:
            pass  # the thread ended meanwhile
    return counts


def test_an_idle_daemon_makes_no_periodic_wake_ups(make_daemon, receiver, smtp):
    daemon = make_daemon(smtp=smtp.url)
    daemon.start("2019-10-20T00:00+09:00", 1)
    daemon.subscribe("goyang", webhook=receiver.url("/idle"), format="slack", quiet=True)  # due in December
    daemon.subscribe("goyang", email="idle@example.org", quiet=True)
    time.sleep(1)  # let the start-up and the requests above settle
    before = context_switches(daemon.pid)
    time.sleep(5)  # the idle period measured
    after = context_switches(daemon.pid)
    woken = {task: after[task] - before.get(task, 0) for task in after if after[task] != before.get(task, 0)}
    assert sum(woken.values()) <= 2, f"context switches in 5 idle seconds, by thread: {woken}"


def test_the_mail_sink_the_readme_names_shows_the_confirmation_link_readable():
    link = "http://127.0.0.1:8080/confirm/AQEWtvKZuP_vQgkrRJlwD99U4oLGH7aMJW8iocwJtPypCM0D42aXTe2K6RDUag?lang=ko"
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "concerts@example.org", "a@example.org", "확인해 주세요"
    message.set_content(f'아래 링크를 열고 "구독 확인" 버튼을 누르세요.\n\n{link}\n', cte="base64")  # as concertd sends
    output = printed_by_sink(SINK, message)
    assert link in output, output
    assert "구독 확인" in output and "Subject: 확인해 주세요" in output, output

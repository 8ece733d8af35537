"""Scenario 15: a chat channel subscribed from the web front door (issue 17, `web_webhooks`).

The real daemon and a real HTTP receiver on 127.0.0.1 (harness/receiver.py) stand in for a chat
service: `web_webhook_hosts` names the receiver's address and port, and loopback is not in
`webhook_deny` by default. A channel is subscribed through the real form (a plain HTTP POST with
the page's CSRF token); the confirmation message arrives at the receiver, in the channel's format
(Slack's `{"text": …}`), after one 503 that the daemon tries again; its link's GET shows the
button, its POST confirms; a reminder then arrives on the shifted clock, ending with the channel's
unsubscribe and manage links in Slack's syntax, and the unsubscribe link's one-click POST removes
the channel's subscription. A host not on the list,
and the feature left off, each get a refusal page, and nothing is posted. The webhook's token
never appears in a page or in the journal. Confirmation mails are retried the same way: a 451
from the smarthost is tried again, a 550 is not.
"""
import time

import pytest

from harness.clock import kst
from harness.receiver import Answer
from harness.waiting import poll_until
from harness.web import WebClient, free_port, has_web_listener, links, path_of, web_config

CITY = "gongju"
# Gongju's concert starts on 24 October 2019 at 14:00 Korea time: its 1h reminder is due at 13:00.
DUE_1H = kst("2019-10-24T13:00")
TOKEN = "SecretToken7f3a"
ROUTE = f"/services/T0WEB/B0WEB/{TOKEN}"


@pytest.fixture(autouse=True)
def web_front_door(binaries):
    if not has_web_listener(binaries):
        pytest.skip("this concertd has no web front door (`concertd run --help` names no --web-listen): issue 17")


def wait_for_listener(client, timeout=30):
    def answering():
        try:
            return client.get("/?lang=en").status == 200
        except OSError:
            return False
    poll_until(answering, timeout, interval=0.1, what="the web listener answering GET /")


def subscribe_channel(client, url, fmt="slack", lang="en"):
    page = client.get(f"/?lang={lang}")
    assert page.status == 200, str(page)
    fields = [("webhook", url), ("format", fmt), ("city", CITY), ("before", "1h"), ("lang", lang), ("csrf", page.csrf)]
    return client.post(f"/subscribe?lang={lang}", fields)


def assert_refusal_page(answer, status):
    assert answer.status == status, str(answer)
    assert (answer.header("Content-Type") or "").startswith("text/html"), str(answer)
    assert answer.heading, f"no heading on the page:\n{answer}"
    assert TOKEN not in answer.text, "the page shows the webhook's token"


def test_a_channel_subscribed_on_the_web_is_confirmed_from_the_channel_and_gets_a_reminder(
        make_daemon, receiver):
    started = time.monotonic()
    port = free_port()
    config = web_config(port, web_webhooks="on", web_webhook_hosts=f"127.0.0.1:{receiver.port}")
    daemon = make_daemon("d", config=config)
    # A minute before the 1h reminder is due, at twice the speed (30 real seconds): the
    # confirmation, with its one retry after 15 s, is done before.
    daemon.start("2019-10-24T12:59+09:00", 2)
    base = f"http://127.0.0.1:{port}"
    client = WebClient(base)
    wait_for_listener(client)

    # Without smtp_url the page offers only the channel form, labelled, without script.
    front = client.get("/?lang=en")
    assert 'name="webhook"' in front.text and '<label for="webhook">' in front.text
    assert 'name="email"' not in front.text
    assert "<script" not in front.text

    # The receiver fails the first post (503): the daemon tries again.
    receiver.script(ROUTE, [Answer(503)])
    answer = subscribe_channel(client, receiver.url(ROUTE))
    assert answer.status == 303, str(answer)
    assert answer.header("Location") == "/check-inbox?lang=en&to=channel"
    check = client.get(answer.header("Location"))
    assert check.status == 200 and "Check the channel" in check.text, str(check)
    assert not confirmed(daemon), "subscribed before anyone in the channel confirmed"

    posts = receiver.wait_for(lambda got: len(got) >= 2 and got[1].status != 0, 40, route=ROUTE,
                              what="the confirmation post, retried")
    assert [p.status for p in posts[:2]] == [503, 204]
    assert posts[1].arrived - posts[0].arrived >= 10, "the retry came without a pause"
    text = posts[1].json()["text"]
    assert text.startswith("Please confirm the concert reminders for this channel"), text
    [link] = links(text, "confirm", base)
    assert TOKEN not in link

    # The link's GET confirms nothing (a chat service's link preview fetches it); the POST does.
    page = client.get(link)
    assert page.status == 200 and page.csrf, str(page)
    assert not confirmed(daemon)
    done = client.post(path_of(link) + "?lang=en", [("csrf", page.csrf)])
    assert done.status == 200, str(done)
    [subscription] = confirmed(daemon)
    assert subscription["kind"] == "webhook" and subscription["format"] == "slack"
    assert TOKEN not in subscription["channel"]
    assert daemon.clock.now() < DUE_1H, "confirming took until the reminder was due"

    # The reminder arrives at the same receiver on the shifted clock.
    def reminder_sent(got):
        return any("_reminder_" in (r.idempotency_key or "") and r.status == 204 for r in got)
    wait = max(1, daemon.clock.real_time(DUE_1H) - time.time()) + 15
    got = receiver.wait_for(reminder_sent, wait, route=ROUTE, what="the reminder at the channel")
    [reminder] = [r for r in got if "_reminder_" in (r.idempotency_key or "")]
    text = reminder.json()["text"]
    assert "Gongju" in text or "공주" in text

    # The reminder ends with the channel's own links in Slack's syntax, so anyone in the channel
    # can stop the posts: the unsubscribe link's GET shows the button, its one-click POST removes it.
    [unsubscribe] = links(text, "unsubscribe", base)
    [manage] = links(text, "manage", base)
    assert text.endswith(f"<{unsubscribe}|Unsubscribe> · <{manage}|Manage your reminders>"), text[-400:]
    print(f"\nthe reminder as posted to the channel:\n{text}")
    page = client.get(unsubscribe)
    assert page.status == 200 and "<button" in page.text, str(page)
    assert page.header("Referrer-Policy") == "no-referrer"
    assert len(confirmed(daemon)) == 1, "the GET unsubscribed"
    managed = client.get(manage)
    assert managed.status == 200 and "Gongju" in managed.text, str(managed)
    done = client.request("POST", path_of(unsubscribe), body=b"List-Unsubscribe=One-Click",
                          headers={"Content-Type": "application/x-www-form-urlencoded"}, cookies=False)
    assert done.status == 200, str(done)
    assert confirmed(daemon) == [], "the one-click did not remove the channel's subscription"

    log = daemon.log()
    assert "web subscription requested" in log and "web subscription confirmed" in log
    assert TOKEN not in log, "the journal shows the webhook's token"
    print(f"\nscenario took {time.monotonic() - started:.1f} s")


def confirmed(daemon):
    listed = daemon.ctl_ok("subscriptions")["subscriptions"]
    return [s for s in listed if s.get("state") != "pending" and s.get("kind") == "webhook"]


def test_a_host_not_on_the_list_is_refused_and_nothing_is_posted(make_daemon, receiver):
    port = free_port()
    config = web_config(port, web_webhooks="on", web_webhook_hosts=f"127.0.0.1:{receiver.port}")
    daemon = make_daemon("d", config=config)
    daemon.start("2019-10-24T12:00+09:00", 1)
    client = WebClient(f"http://127.0.0.1:{port}")
    wait_for_listener(client)
    # The same receiver under names that are not on the list: another spelling of the host, a
    # user part, another port.
    for url in (f"http://localhost:{receiver.port}{ROUTE}",
                f"http://127.0.0.1:{receiver.port}@127.0.0.1:{receiver.port}{ROUTE}",
                f"http://127.0.0.1:{receiver.port + 1 if receiver.port < 65535 else 1}{ROUTE}"):
        answer = subscribe_channel(client, url)
        assert_refusal_page(answer, 400)
        assert "not one of the chat services" in answer.text or "not an https webhook URL" in answer.text, \
            str(answer)
    time.sleep(2)
    assert receiver.requests() == [], "something was posted"
    listed = daemon.ctl_ok("subscriptions")
    assert listed["subscriptions"] == [] and listed.get("pending_web_requests", 0) == 0, listed
    assert TOKEN not in daemon.log()


def test_with_web_webhooks_off_a_forged_post_is_refused_and_nothing_is_posted(make_daemon, receiver, smtp):
    port = free_port()
    # The hosts are listed, the feature is not on (the default); email is, so the page has a form
    # and the forged POST carries a good CSRF token.
    daemon = make_daemon("d", config=web_config(port, web_webhook_hosts=f"127.0.0.1:{receiver.port}"), smtp=smtp.url)
    daemon.start("2019-10-24T12:00+09:00", 1)
    client = WebClient(f"http://127.0.0.1:{port}")
    wait_for_listener(client)
    front = client.get("/?lang=en")
    assert 'name="email"' in front.text and 'name="webhook"' not in front.text
    answer = client.post("/subscribe?lang=en", [
        ("webhook", receiver.url(ROUTE)), ("format", "slack"), ("city", CITY), ("csrf", front.csrf)])
    assert_refusal_page(answer, 403)
    assert "Chat channels are not offered here" in answer.text
    time.sleep(2)
    assert receiver.requests() == []
    assert smtp.messages() == []
    listed = daemon.ctl_ok("subscriptions")
    assert listed["subscriptions"] == [] and listed.get("pending_web_requests", 0) == 0, listed


def test_a_confirmation_mail_the_smarthost_defers_is_sent_on_a_later_try_and_a_refused_one_is_not_retried(
        make_daemon, smtp):
    """The retry of confirmation messages, by email: a 451 for the recipient is tried again (the mail
    arrives after it is lifted), a 550 is not; the journal names neither address in clear."""
    port = free_port()
    daemon = make_daemon("d", config=web_config(port), smtp=smtp.url)
    daemon.start("2019-10-24T12:00+09:00", 1)
    client = WebClient(f"http://127.0.0.1:{port}")
    wait_for_listener(client)
    later, nobody = "later-citizen@example.org", "nobody-citizen@example.org"
    smtp.tempfail.add(later)
    smtp.reject.add(nobody)
    for address in (later, nobody):
        page = client.get("/?lang=en")
        answer = client.post("/subscribe?lang=en", [
            ("email", address), ("city", CITY), ("lang", "en"), ("csrf", page.csrf)])
        assert answer.status == 303, str(answer)
    time.sleep(3)
    smtp.tempfail.discard(later)
    smtp.wait_for(lambda got: len(got) >= 1, 40, rcpt=later, what="the deferred confirmation mail, tried again")
    poll_until(lambda: "web confirmation request sent" in daemon.log(), 10, what="the journal line of the send")
    log = daemon.log()
    assert "attempts=2" in log, log[-3000:]
    refused = [line for line in log.splitlines() if "web confirmation request not sent" in line]
    assert len(refused) == 1 and "attempts=1" in refused[0] and "permanent" in refused[0], refused
    assert smtp.messages(rcpt=nobody) == []
    assert later not in log and nobody not in log, "the journal shows an address in clear"

"""Scenario 14: the web front door (issue 17), from a citizen's browser and from a hostile client.

A real Chromium (Debian's, driven by Selenium through Debian's chromedriver) opens the front page of
the real daemon, subscribes by clicking, and follows the confirmation link that the real SMTP peer
received; a reminder comes on the shifted clock; its List-Unsubscribe headers are read by an
independent implementation (`listunsub`) as RFC 8058 one-click, and the exact POST a mail client
sends (urllib, no cookie, no CSRF token) unsubscribes at once: the next reminder never comes. The
daemon sits behind a TLS front (harness/tls_proxy.py), as behind a city's web server, because mail
clients POST one-click only to https. Screenshots of every page at phone and desktop widths go to
the folder the test prints.

The other tests talk plain HTTP to the listener: missing, oversized and malformed fields; wrong
CSRF tokens; forged, expired and replayed tokens; a thousand rapid subscribe posts from one client.
Each gets a clear page (an h1) or a 429, nothing changes that should not, and no more mails go out
than the limits allow.

The module skips when this concertd has no web listener (`concertd run --help` names no
`--web-listen`); the browser test also when chromium, chromedriver, selenium or listunsub is missing.
"""
import concurrent.futures
import dataclasses
import datetime as dt
import json
import os
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from harness import browser as browser_harness
from harness.clock import kst
from harness.daemon import REPO
from harness.messages import ParsedMail
from harness.tls_proxy import TlsProxy
from harness.waiting import poll_until, sleep_until
from harness.web import (WebClient, free_port, has_web_listener, links, path_of, tampered, token_of, web_config,
                         with_query)

# Gongju's concert starts on 24 October 2019 at 14:00 Korea time: its 1h reminder is due at 13:00,
# its 30m reminder at 13:30.
CITY = "gongju"
CONCERT_START = kst("2019-10-24T14:00")
DUE_1H = kst("2019-10-24T13:00")
DUE_30M = kst("2019-10-24T13:30")
# The limits on confirmation mails the tests configure (web_confirmations_per_client and
# web_confirmations_per_address): not the defaults, so that the keys are seen to be read.
PER_CLIENT = 7
PER_ADDRESS = 2
# The 16 municipalities of etc/concertd/concerts.json5.
CITIES = 16
TEMPLATES = REPO / "etc" / "concertd" / "templates"


@pytest.fixture(autouse=True)
def web_front_door(binaries):
    if not has_web_listener(binaries):
        pytest.skip("this concertd has no web front door (`concertd run --help` names no --web-listen): issue 17")


@pytest.fixture
def shots_dir():
    """Where the screenshots go: $CONCERTD_SHOTS_DIR, else a new folder under /tmp that is kept."""
    given = os.environ.get("CONCERTD_SHOTS_DIR")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    folder = Path(given) if given else Path(f"/tmp/concertd-web-shots-{stamp}")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def say(capsys, text):
    """A line in pytest's output even when the test passes (its captured output is not shown then)."""
    with capsys.disabled():
        print(f"\n{text}", flush=True)


def web_daemon(make_daemon, smtp, port, base_url=None, name="d", **settings):
    config = web_config(port, base_url, web_confirmations_per_client=PER_CLIENT,
                        web_confirmations_per_address=PER_ADDRESS, **settings)
    return make_daemon(name, config=config, smtp=smtp.url)


def wait_for_listener(client, timeout=30):
    def answering():
        try:
            return client.get("/?lang=en").status == 200
        except OSError:
            return False
    poll_until(answering, timeout, interval=0.1, what="the web listener answering GET /")


def mails_to(smtp, address):
    return [ParsedMail(m.data) for m in smtp.messages(rcpt=address)]


def wait_for_mails(smtp, address, count, timeout=20):
    smtp.wait_for(lambda got: len(got) >= count, timeout, rcpt=address, what=f"{count} mails to {address}")
    return mails_to(smtp, address)


def bodies(mail):
    """Every text part of a mail (plain and HTML), decoded."""
    found = []
    for part in mail.message.walk():
        if part.get_content_maintype() == "text" and not part.is_multipart():
            found.append(part.get_content())
    return "\n".join(found)


def subscriptions_of(daemon, address, pending=False):
    """The daemon's subscriptions (concertctl subscriptions --json) whose channel is `address`;
    requests not yet confirmed only when `pending`."""
    listed = daemon.ctl_ok("subscriptions")["subscriptions"]
    return [s for s in listed if address in json.dumps(s) and (pending or s.get("state") != "pending")]


def confirmed_subscriptions(daemon):
    return [s for s in daemon.ctl_ok("subscriptions")["subscriptions"] if s.get("state") != "pending"]


def reminder_rows(daemon, subscription_id):
    return [r for r in daemon.deliveries(subscription=subscription_id) if r.get("kind") == "reminder"]


def all_reminder_rows(daemon):
    return [r for r in daemon.deliveries() if r.get("kind") == "reminder"]


def assert_clear_page(answer, statuses):
    """A refusal a person can read: the expected status, an HTML page with a heading."""
    assert answer.status in statuses, f"expected {statuses}:\n{answer}"
    assert (answer.header("Content-Type") or "").startswith("text/html"), str(answer)
    assert answer.heading, f"no heading on the page:\n{answer}"


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A mail client's one-click POST follows no redirect (RFC 8058 section 3.2)."""

    def redirect_request(self, *args, **kwargs):
        return None


def one_click_post(request, ssl_context=None):
    """Sends listunsub's OneClickRequest as a mail client does: urllib, no cookie, nothing else.

    Returns (status, body text)."""
    handlers = [NoRedirects()]
    if ssl_context is not None:
        handlers.append(urllib.request.HTTPSHandler(context=ssl_context))
    opener = urllib.request.build_opener(*handlers)
    sent = urllib.request.Request(request.url, data=request.body, headers=request.headers, method=request.method)
    try:
        with opener.open(sent, timeout=30) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def subscribe_form(client, email, cities=(CITY,), before=("1h",), lang="en", extra=()):
    page = client.get(f"/?lang={lang}")
    assert page.status == 200, str(page)
    fields = [("email", email)] + [("city", c) for c in cities] + [("before", b) for b in before]
    fields += [("lang", lang), ("csrf", page.csrf)] + list(extra)
    return client.post(f"/subscribe?lang={lang}", fields)


def _subscribed_subjects():
    """The subjects of the "subscribed" message (the `confirmation` template) after its `[city] `."""
    found = []
    for language in ("en", "ko"):
        first = (TEMPLATES / f"confirmation.{language}.mustache").read_text().splitlines()[0]
        found.append(first.split("] ", 1)[-1].strip())
    return found


def is_subscribed_message(mail):
    return any(subject in mail.subject for subject in _subscribed_subjects())


def reminders_to(smtp, address, base, count, timeout=30):
    """The reminders to `address` (neither a confirmation request nor the "subscribed" message),
    once there are `count` of them."""
    def found(_):
        return [m for m in mails_to(smtp, address)
                if not links(bodies(m), "confirm", base) and not is_subscribed_message(m)]
    smtp.wait_for(lambda got: len(found(got)) >= count, timeout, rcpt=address, what=f"{count} reminders to {address}")
    return found(None)


def confirm_link(smtp, address, base, index=0, timeout=20):
    mail = wait_for_mails(smtp, address, index + 1, timeout)[index]
    found = links(bodies(mail), "confirm", base)
    assert len(found) == 1, f"expected one confirm link in:\n{bodies(mail)}"
    return found[0]


def confirm(client, link):
    page = client.get(link)
    assert page.status == 200, str(page)
    return client.post(path_of(link) + "?lang=en", [("csrf", page.csrf)])


# --- in a real browser ---

def assert_usable_without_script_and_labelled(browser):
    """No script at all (the pages work without JavaScript), one h1, and every visible form
    control named by a label a screen reader reads."""
    assert browser.find_all("script") == [], "the page has a script"
    assert len(browser.find_all("h1")) == 1, browser.html[:2000]
    for control in browser.find_all("input, select, textarea"):
        if control.get_attribute("type") in ("hidden", "submit"):
            continue
        ident = control.get_attribute("id")
        labelled = (ident and browser.find_all(f'label[for="{ident}"]')) or control.get_attribute("aria-label")
        assert labelled, f"a form control without a label: {control.get_attribute('outerHTML')}"


def test_a_citizen_subscribes_in_a_browser_confirms_gets_a_reminder_and_unsubscribes_in_one_click(
        make_daemon, smtp, shots_dir, capsys):
    why = browser_harness.missing()
    if why:
        pytest.skip(why)
    listunsub = pytest.importorskip("listunsub", reason="needs listunsub from PyPI (scripts/ensure-deps.sh test)")
    started = time.monotonic()
    say(capsys, f"screenshots: {shots_dir}")
    port = free_port()
    proxy = TlsProxy(port)
    base = proxy.url
    address = f"citizen-{secrets.token_hex(3)}@example.org"
    try:
        daemon = web_daemon(make_daemon, smtp, port, base_url=base)
        daemon.start("2019-10-24T12:00+09:00", 1)
        web = WebClient(base, ssl_context=proxy.client_context())
        wait_for_listener(web)

        with browser_harness.Browser(shots_dir, insecure_certs=True) as browser:
            # The front page: Korean by default, the 16 municipalities, the form.
            browser.open(base + "/")
            assert browser.find("html").get_attribute("lang") == "ko", browser.html[:500]
            assert len(browser.find_all('input[name="city"]')) == CITIES, browser.html
            assert "공주" in browser.html
            assert_usable_without_script_and_labelled(browser)
            overflow = browser.shoot("01-front-ko")
            assert overflow == {"phone": 0, "desktop": 0}, f"the front page is wider than the window: {overflow}"
            browser.open(base + "/?lang=en")
            assert browser.find("html").get_attribute("lang") == "en"
            assert "Gongju" in browser.html
            browser.shoot("02-front-en")

            # Subscribe by clicking: the address, Gongju, the 1h and 30m reminders only, in English.
            browser.find('input[name="email"]').send_keys(address)
            browser.set_checked(f'input[name="city"][value="{CITY}"]', True)
            offered = [box.get_attribute("value") for box in browser.find_all('input[name="before"]')]
            assert {"1h", "30m"} <= set(offered), f"the form offers {offered}"
            for offset in offered:
                browser.set_checked(f'input[name="before"][value="{offset}"]', offset in ("1h", "30m"))
            browser.set_checked('input[name="lang"][value="en"]', True)
            browser.shoot("03-form-filled")
            browser.submit('form[action*="/subscribe"] button[type="submit"]')
            browser.shoot("04-check-inbox")
            assert "/check-inbox" in browser.url, f"the form was refused: {browser.heading!r} at {browser.url}"
            assert not browser.find_all(".errors"), browser.html

            # The confirmation mail; nothing is scheduled before the confirmation (double opt-in).
            link = confirm_link(smtp, address, base)
            assert all_reminder_rows(daemon) == [], "reminders scheduled before the confirmation"

            # Following the link shows a button and confirms nothing (a mail scanner's GET). The
            # token URL is served with no referrer and a strict Content-Security-Policy.
            headers = web.get(link)
            assert headers.header("Referrer-Policy") == "no-referrer", str(headers)
            policy = headers.header("Content-Security-Policy") or ""
            assert "default-src" in policy and "unsafe-inline" not in policy, str(headers)
            browser.open(link)
            assert browser.find_all('form[action*="/confirm/"] button[type="submit"]'), browser.html
            browser.shoot("05-confirm")
            assert all_reminder_rows(daemon) == [], "the GET of the confirmation link confirmed"
            browser.submit('form[action*="/confirm/"] button[type="submit"]')
            browser.shoot("06-confirmed")
            assert browser.find_all('a[href*="/manage/"]'), f"not confirmed: {browser.heading!r} at {browser.url}"
            [subscription] = subscriptions_of(daemon, address)
            rows = reminder_rows(daemon, subscription["id"])
            assert sorted(r["offset"] for r in rows) == ["1h", "30m"], rows
            assert {r["state"] for r in rows} == {"scheduled"}, rows
            manage = [a.get_attribute("href") for a in browser.find_all('a[href*="/manage/"]')]
            assert manage, browser.html
            browser.open(manage[0])
            browser.shoot("07-manage")

            # The reminder, on a clock moved to a minute before it is due, 60 times faster.
            daemon.restart("2019-10-24T12:59+09:00", 60)
            wait_for_listener(web)
            [reminder] = reminders_to(smtp, address, base, 1)
            assert not reminder.defects(), reminder.defects()
            field = reminder.header("List-Unsubscribe")
            post = reminder.header("List-Unsubscribe-Post")
            assert field and post, f"unsubscribe headers missing: {reminder.raw[:2000]!r}"

            # Read by listunsub as a mail client reads them: valid RFC 2369, one-click by RFC 8058.
            parsed = listunsub.parse_header(field, strict=True)
            assert listunsub.is_one_click(post), post
            problems = listunsub.audit(field, post)
            assert problems == [], problems
            best = listunsub.choose(field, post, dkim_verified=True)
            assert best is not None and best.kind == "one-click", (field, post, best)
            assert best.uri.startswith(base + "/unsubscribe/"), best.uri
            assert parsed.https == (best.uri,), parsed
            text = bodies(reminder)
            assert best.uri in text, f"the body does not end with the unsubscribe link:\n{text}"

            # The link opened in a browser shows a page with the button; it removes nothing.
            browser.open(best.uri)
            browser.shoot("08-unsubscribe-page")
            assert subscriptions_of(daemon, address)[0]["state"] == "active"

            # The exact POST a mail client sends: urlencoded `List-Unsubscribe=One-Click`, no cookie,
            # no CSRF token, no redirect followed.
            request = listunsub.one_click_request(best.uri, form="urlencoded")
            assert request.body == b"List-Unsubscribe=One-Click"
            assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
            status, body = one_click_post(request, proxy.client_context())
            assert status == 200, (status, body[:2000])
            mailed = len(mails_to(smtp, address))
            assert daemon.clock.now() < DUE_30M, "the one-click came after the next reminder was due"
            # Removed: `concertctl subscriptions` lists it no more (its history stays).
            assert subscriptions_of(daemon, address) == [], subscriptions_of(daemon, address)
            browser.open(manage[0])
            browser.shoot("09-manage-after-unsubscribe")

            # No later reminder: the 30m row is skipped, and nothing arrives past its due moment.
            sleep_until(daemon.clock.real_time(DUE_30M + dt.timedelta(minutes=5)))
            assert len(mails_to(smtp, address)) == mailed, [m.subject for m in mails_to(smtp, address)]
            assert len(reminders_to(smtp, address, base, 1)) == 1
            rows = {r["offset"]: r["state"] for r in reminder_rows(daemon, subscription["id"])}
            assert rows == {"1h": "sent", "30m": "skipped"}, rows
        say(capsys, f"browser scenario took {time.monotonic() - started:.1f} s; "
                    f"{len(list(shots_dir.glob('*.png')))} screenshots in {shots_dir}")
    finally:
        proxy.stop()


def test_a_web_confirmation_is_acted_on_at_once_the_subscribed_message_and_a_reminder_due_soon_go_out(
        make_daemon, smtp):
    """Rows a confirmation makes are the scheduler's at once: the "subscribed" message due now and
    a reminder due 15 real seconds later are sent on time, with no restart or reload between."""
    port = free_port()
    daemon = web_daemon(make_daemon, smtp, port)
    # Gongju's 1h reminder is due a minute after the start, at four times the speed.
    daemon.start("2019-10-24T12:59+09:00", 4)
    base = f"http://127.0.0.1:{port}"
    client = WebClient(base)
    wait_for_listener(client)
    address = "prompt@example.org"
    assert subscribe_form(client, address).status == 303
    link = confirm_link(smtp, address, base)
    # The link keeps the language chosen on the form, and its page comes in it whatever the
    # browser prefers.
    assert urllib.parse.urlsplit(link).query == "lang=en", link
    page = client.get(link, headers={"Accept-Language": "ko"})
    assert page.status == 200 and '<html lang="en"' in page.text, str(page)
    answer = confirm(client, link)
    assert answer.status == 200, str(answer)
    confirmed_at = time.monotonic()
    assert daemon.clock.now() < DUE_1H - dt.timedelta(seconds=20), "confirming took until the reminder was due"
    smtp.wait_for(lambda got: any(is_subscribed_message(ParsedMail(m.data)) for m in got), 5, rcpt=address,
                  what="the subscribed message, due at the confirmation")
    [reminder] = reminders_to(smtp, address, base, 1, timeout=max(1, daemon.clock.real_time(DUE_1H) - time.time()) + 5)
    late = time.time() - daemon.clock.real_time(DUE_1H)
    assert late < 3, f"the reminder came {late:.1f} s (real) after its due moment"
    assert time.monotonic() - confirmed_at < 30


def test_a_second_request_of_one_address_changes_its_web_subscription_and_leaves_the_operators_alone(
        make_daemon, smtp):
    """A citizen who sends the form twice (other cities, other offsets) has one web subscription,
    changed to the second request, whose one-click then stops everything it sends; the mails and
    the confirmation page name what was asked for; an operator's subscription of the same address
    stays as it was. The front page says when a city's last concert was held."""
    port = free_port()
    daemon = web_daemon(make_daemon, smtp, port)
    daemon.start("2019-10-24T09:00+09:00", 1)
    base = f"http://127.0.0.1:{port}"
    client = WebClient(base)
    wait_for_listener(client)

    # Daejeon's concert was on 23 October: the page says so, and offers the city saying why.
    front = client.get("/?lang=en")
    assert ('<h3>Daejeon</h3><p class="none">Held on <time datetime="2019-10-23T14:00:00+09:00">'
            in front.text), front.text
    assert 'Daejeon <span class="hint">(no concert planned)</span></label>' in front.text
    assert 'Gongju <span class="hint">' not in front.text

    address = "twice@example.org"
    operators = daemon.ctl_ok("subscribe", "busan", "--email", address, "--before", "1d")
    operators_id = operators.get("subscription", operators).get("id")
    assert operators_id, operators

    # The operator's subscription got its own "subscribed" mail: the requests' mails are those with
    # a confirm link.
    def requests(count):
        def found(got):
            return [ParsedMail(m.data) for m in got if links(bodies(ParsedMail(m.data)), "confirm", base)]
        return found(smtp.wait_for(lambda got: len(found(got)) >= count, 20, rcpt=address,
                                   what=f"{count} confirmation requests"))

    assert subscribe_form(client, address, cities=(CITY,), before=("1h",)).status == 303
    [mail] = requests(1)
    [first] = links(bodies(mail), "confirm", base)
    text = bodies(mail)
    assert "Municipalities: Gongju and Buyeo" in text or "Municipalities: Gongju" in text, text
    assert "Reminders: 1 hour before each concert" in text, text
    page = client.get(first)
    assert "<dt>Reminders</dt><dd>1 hour before</dd>" in page.text, str(page)
    assert confirm(client, first).status == 200
    [web] = [s for s in subscriptions_of(daemon, address) if s.get("source") == "web"]

    # Again, other cities and offsets: the same subscription, changed.
    assert subscribe_form(client, address, cities=(CITY, "daegu"), before=("3h", "30m")).status == 303
    mail = requests(2)[1]
    [second] = links(bodies(mail), "confirm", base)
    assert "Reminders: 3 hours and 30 minutes before each concert" in bodies(mail), bodies(mail)
    assert confirm(client, second).status == 200
    listed = subscriptions_of(daemon, address)
    webs = [s for s in listed if s.get("source") == "web"]
    assert [s["id"] for s in webs] == [web["id"]], listed
    assert sorted(webs[0]["cities"]) == sorted([CITY, "daegu"]) and webs[0]["before"] == ["3h", "30m"], webs
    pending = [r for r in reminder_rows(daemon, web["id"]) if r.get("state") == "scheduled"]
    assert pending and {r["offset"] for r in pending} <= {"3h", "30m"}, pending
    [kept] = [s for s in listed if s["id"] == operators_id]
    assert kept["cities"] == ["busan"] and kept["before"] == ["1d"] and kept["state"] == "active", kept

    # The first request's link names the same subscription; one unsubscribe removes it.
    assert confirm(client, first).status == 200
    # The "subscribed" message of the web subscription (the operator's names Busan) carries its links.
    def web_links(got):
        return [u for m in got for u in links(bodies(ParsedMail(m.data)), "unsubscribe", base)
                if "Gongju" in bodies(ParsedMail(m.data)) and not links(bodies(ParsedMail(m.data)), "confirm", base)]
    got = smtp.wait_for(web_links, 20, rcpt=address, what="the web subscription's own message")
    unsubscribe = web_links(got)
    welcome = next(bodies(ParsedMail(m.data)) for m in got if web_links([m]))
    print("\nthe end of its text body:\n" + welcome.split("<!DOCTYPE", 1)[0].split("<html", 1)[0].rstrip()[-300:])
    done = client.request("POST", path_of(unsubscribe[0]), body=b"List-Unsubscribe=One-Click",
                          headers={"Content-Type": "application/x-www-form-urlencoded"}, cookies=False)
    assert done.status == 200, str(done)
    assert [s["id"] for s in subscriptions_of(daemon, address)] == [operators_id]


def test_links_pulled_from_mail_keep_their_query():
    """The harness's link parser keeps `?lang=` (the daemon's confirmation links carry it), stops
    at a full stop ending the sentence, and `token_of` reads the token without the query."""
    base = "http://127.0.0.1:9"
    text = f"Open {base}/confirm/Ab-_9?lang=en. Or {base}/confirm/Cd9.\n<a href=\"/manage/Ef9?lang=ko\">"
    assert links(text, "confirm", base) == [f"{base}/confirm/Ab-_9?lang=en", f"{base}/confirm/Cd9"]
    assert links(text, "manage", "") == ["/manage/Ef9?lang=ko"]
    assert token_of(f"{base}/confirm/Ab-_9?lang=en") == "Ab-_9"
    assert with_query(f"{base}/confirm/Ab-_9?lang=ko", lang="en") == f"{base}/confirm/Ab-_9?lang=en"


# --- bad input, over plain HTTP ---

def test_missing_oversized_and_malformed_fields_get_a_clear_page_and_change_nothing(make_daemon, smtp):
    port = free_port()
    daemon = web_daemon(make_daemon, smtp, port)
    daemon.start("2019-10-20T12:00+09:00", 1)
    client = WebClient(f"http://127.0.0.1:{port}")
    wait_for_listener(client)
    csrf = client.get("/?lang=en").csrf
    good = [("email", "someone@example.org"), ("city", CITY), ("before", "1h"), ("lang", "en"), ("csrf", csrf)]

    def without(name):
        return [(k, v) for k, v in good if k != name]

    def replaced(name, value):
        return [(k, value if k == name else v) for k, v in good]

    cases = {
        "no email": (without("email"), (400,)),
        "empty email": (replaced("email", ""), (400,)),
        "not an address": (replaced("email", "not-an-address"), (400,)),
        "an address of 300 characters": (replaced("email", "a" * 288 + "@example.org"), (400,)),
        "a newline in the address": (replaced("email", "someone@example.org\r\nBcc: x@example.org"), (400,)),
        "two addresses": (good + [("email", "other@example.org")], (400,)),
        "no city": (without("city"), (400,)),
        "an unknown city": (replaced("city", "atlantis"), (400,)),
        "a city id of 10 kB": (replaced("city", "x" * 10_000), (400, 413)),
        "an unknown offset": (replaced("before", "99y"), (400,)),
        "a negative offset": (replaced("before", "-1h"), (400,)),
        "an unknown language": (replaced("lang", "xx"), (400,)),
        "a webhook while webhooks are off": (good + [("webhook", "https://hooks.slack.com/services/x")], (403,)),
    }
    raw_cases = {
        "bad percent-encoding": (b"email=a%zz@example.org&city=gongju&csrf=" + csrf.encode(), (400,)),
        "a truncated percent-escape": (b"city=gongju&csrf=" + csrf.encode() + b"&email=a%4", (400,)),
        "invalid UTF-8": (b"email=%ff%fe@example.org&city=gongju&csrf=" + csrf.encode(), (400,)),
        "a NUL byte": (b"email=a%00@example.org&city=gongju&csrf=" + csrf.encode(), (400,)),
        "a body of 1 MB": (b"email=a@example.org&city=gongju&csrf=" + csrf.encode() + b"&pad=" + b"x" * 1_000_000,
                           (413,)),
        "10,000 fields": (b"&".join([b"city=gongju"] * 10_000) + b"&csrf=" + csrf.encode(), (400, 413)),
        "no body": (b"", (400, 403)),
    }
    answers = {}
    for name, (fields, statuses) in cases.items():
        answers[name] = (client.post("/subscribe?lang=en", fields), statuses)
    for name, (body, statuses) in raw_cases.items():
        answers[name] = (client.post("/subscribe?lang=en", body), statuses)
    answers["JSON instead of a form"] = (client.request(
        "POST", "/subscribe?lang=en", body=json.dumps(dict(good)).encode(),
        headers={"Content-Type": "application/json"}), (400, 415))
    answers["a GET of /subscribe"] = (client.get("/subscribe?email=a@example.org&city=gongju"), (404, 405))
    for name, (answer, statuses) in answers.items():
        try:
            assert_clear_page(answer, statuses)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from None
        assert "someone@example.org\r\nBcc" not in answer.text

    # Nothing changed: no subscription, no pending request mailed, and the daemon is up and well.
    assert daemon.running
    assert daemon.ctl_ok("subscriptions")["subscriptions"] == []
    time.sleep(1)
    assert smtp.messages() == [], [m.rcpt_tos for m in smtp.messages()]
    # The good form is still taken after all that.
    answer = client.post("/subscribe?lang=en", good)
    assert answer.status == 303, str(answer)
    wait_for_mails(smtp, "someone@example.org", 1)


def test_a_wrong_or_missing_csrf_token_is_refused_and_sends_no_mail(make_daemon, smtp):
    port = free_port()
    daemon = web_daemon(make_daemon, smtp, port)
    daemon.start("2019-10-20T12:00+09:00", 1)
    base = f"http://127.0.0.1:{port}"
    alice, mallory = WebClient(base), WebClient(base)
    wait_for_listener(alice)
    alice_csrf = alice.get("/?lang=en").csrf
    mallory_csrf = mallory.get("/?lang=en").csrf
    form = [("email", "victim@example.org"), ("city", CITY), ("lang", "en")]
    attempts = {
        "no token": alice.post("/subscribe", form),
        "an empty token": alice.post("/subscribe", form + [("csrf", "")]),
        "a random token": alice.post("/subscribe", form + [("csrf", secrets.token_urlsafe(32))]),
        "a token with one character changed": alice.post("/subscribe", form + [("csrf", tampered(alice_csrf))]),
        "another browser's token": alice.post("/subscribe", form + [("csrf", mallory_csrf)]),
        "two tokens": alice.post("/subscribe", form + [("csrf", alice_csrf), ("csrf", alice_csrf)]),
        "the right token without the cookie": WebClient(base).post("/subscribe", form + [("csrf", alice_csrf)]),
        "the right token from another origin": alice.post(
            "/subscribe", form + [("csrf", alice_csrf)], headers={"Origin": "https://evil.example"}),
        "the right token from a cross-site page": alice.post(
            "/subscribe", form + [("csrf", alice_csrf)], headers={"Sec-Fetch-Site": "cross-site"}),
    }
    for name, answer in attempts.items():
        try:
            assert_clear_page(answer, (400, 403))
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from None
    assert daemon.ctl_ok("subscriptions")["subscriptions"] == []
    time.sleep(1)
    assert smtp.messages() == []
    # Alice's own token with her cookie is taken.
    assert alice.post("/subscribe", form + [("csrf", alice_csrf)]).status == 303
    wait_for_mails(smtp, "victim@example.org", 1)


def test_a_form_post_as_chromium_sends_it_from_a_no_referrer_page_is_taken(make_daemon, smtp):
    """Pages are served with `Referrer-Policy: no-referrer`, so a browser's form POST carries
    `Origin: null` (Fetch standard, "append a request Origin header"): Chromium sends it with
    `Sec-Fetch-Site: same-origin`. With the right token and cookie that is the citizen's own form,
    and must be taken; the same from a cross-site page must not."""
    port = free_port()
    daemon = web_daemon(make_daemon, smtp, port)
    daemon.start("2019-10-20T12:00+09:00", 1)
    client = WebClient(f"http://127.0.0.1:{port}")
    wait_for_listener(client)
    page = client.get("/?lang=en")
    assert page.header("Referrer-Policy") == "no-referrer", str(page)
    form = [("email", "chromium@example.org"), ("city", CITY), ("lang", "en"), ("csrf", page.csrf)]
    cross = client.post("/subscribe?lang=en", form, headers={"Origin": "null", "Sec-Fetch-Site": "cross-site"})
    assert_clear_page(cross, (403,))
    own = client.post("/subscribe?lang=en", form, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert own.status == 303, f"the browser's own form was refused:\n{own}"
    wait_for_mails(smtp, "chromium@example.org", 1)


def test_forged_expired_and_replayed_tokens_change_nothing(make_daemon, smtp):
    """Confirm and unsubscribe tokens: forged ones and ones for another purpose do nothing; a replay
    is harmless; a confirmation older than 48 hours confirms nothing; a removal stays removed."""
    listunsub = pytest.importorskip("listunsub", reason="needs listunsub from PyPI (scripts/ensure-deps.sh test)")
    port = free_port()
    # Behind TLS: the reminders offer one-click (List-Unsubscribe-Post) only for an https URL.
    proxy = TlsProxy(port)
    try:
        _forged_expired_and_replayed(make_daemon, smtp, listunsub, port, proxy)
    finally:
        proxy.stop()


def _forged_expired_and_replayed(make_daemon, smtp, listunsub, port, proxy):
    base = proxy.url
    daemon = web_daemon(make_daemon, smtp, port, base_url=base)
    # Gongju's 1h reminder is due a minute after the start, at four times the speed: 15 real seconds.
    daemon.start("2019-10-24T12:59+09:00", 4)
    client = WebClient(base, ssl_context=proxy.client_context())
    wait_for_listener(client)
    kept, late = "kept@example.org", "late@example.org"
    assert subscribe_form(client, kept, before=("1h", "30m")).status == 303
    assert subscribe_form(client, late).status == 303
    kept_link = confirm_link(smtp, kept, base)
    late_link = confirm_link(smtp, late, base)
    kept_token = token_of(kept_link)
    # `status` shows the front door and the two requests waiting for confirmation.
    web_status = daemon.ctl_ok("status")["web"]
    assert web_status["base_url"] == base and web_status["pending_requests"] == 2, web_status

    # The genuine confirmation, then its replay: one subscription, its rows made once.
    first = confirm(client, kept_link)
    assert first.status == 200, str(first)
    again = confirm(client, kept_link)
    assert again.status == 200, str(again)
    # A used confirmation link says so and hands out no control of the subscription.
    assert "confirmed before" in again.text and not links(again.text, "manage", ""), str(again)
    assert daemon.ctl_ok("status")["web"]["pending_requests"] == 1
    [subscription] = subscriptions_of(daemon, kept)
    assert sorted(r["offset"] for r in reminder_rows(daemon, subscription["id"])) == ["1h", "30m"]
    assert daemon.clock.now() < DUE_1H, "confirming took until the reminder was due"
    csrf = client.get("/?lang=en").csrf

    # The manage form refuses a POST without its CSRF token, or with another browser's.
    manage = links(first.text, "manage", "")
    assert manage, f"no manage link on the confirmed page:\n{first}"
    manage_path = path_of(manage[0].split("?")[0])
    stranger = WebClient(base, ssl_context=proxy.client_context())
    stranger_csrf = stranger.get("/?lang=en").csrf
    for fields, who in (([("action", "unsubscribe")], client), ([("action", "pause"), ("csrf", stranger_csrf)], client),
                        ([("action", "unsubscribe"), ("csrf", csrf)], stranger)):
        assert_clear_page(who.post(manage_path + "?lang=en", fields), (400, 403))
    assert [s["state"] for s in subscriptions_of(daemon, kept)] == ["active"]

    # Forged confirmation tokens: random, one character changed, cut short, too long, not ASCII, a
    # path trick; and the genuine token where another purpose is expected.
    forged = [secrets.token_urlsafe(24), tampered(kept_token), kept_token[: len(kept_token) // 2], kept_token + "A",
              "A" * 5000, "%ED%95%9C%EA%B8%80", "..%2F..%2Fetc%2Fpasswd", "0", "1"]
    for token in forged:
        assert_clear_page(client.get(f"/confirm/{token}?lang=en"), (400, 404, 414))
        assert_clear_page(client.post(f"/confirm/{token}?lang=en", [("csrf", csrf)]), (400, 404, 414))
        assert_clear_page(client.request(
            "POST", f"/unsubscribe/{token}", body=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"}, cookies=False), (400, 404, 414))
        assert_clear_page(client.get(f"/manage/{token}?lang=en"), (400, 404, 414))
    for purpose in ("unsubscribe", "manage", "undo"):
        answer = client.request("POST", f"/{purpose}/{kept_token}", body=b"List-Unsubscribe=One-Click",
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert_clear_page(answer, (400, 403, 404, 405))
    # None of them confirmed `late` or touched `kept`.
    assert [s["id"] for s in confirmed_subscriptions(daemon)] == [subscription["id"]]
    assert len(all_reminder_rows(daemon)) == 2

    # The 1h reminder carries the one-click URL; forged variants of its token remove nothing. (The
    # clock is moved to 20 s before it is due by a restart: that the reminder is sent without one is
    # the test before.)
    daemon.restart("2019-10-24T12:59:40+09:00", 4)
    wait_for_listener(client)
    [reminder] = reminders_to(smtp, kept, base, 1, timeout=30)
    field, post = reminder.header("List-Unsubscribe"), reminder.header("List-Unsubscribe-Post")
    [uri] = [u for u in listunsub.parse_header(field, strict=True).uris if u.startswith("http")]
    assert listunsub.is_one_click(post)
    unsubscribe_token = token_of(uri)
    for token in (tampered(unsubscribe_token), secrets.token_urlsafe(24), unsubscribe_token[:10]):
        answer = client.request("POST", f"/unsubscribe/{token}", body=b"List-Unsubscribe=One-Click",
                                headers={"Content-Type": "application/x-www-form-urlencoded"}, cookies=False)
        assert_clear_page(answer, (400, 404))
    # The right token with a body that is not one-click (what a link scanner's POST might send).
    for body in (b"", b"List-Unsubscribe=Yes", b"foo=bar", b"List-Unsubscribe=One-Click%zz"):
        answer = client.request("POST", path_of(uri), body=body,
                                headers={"Content-Type": "application/x-www-form-urlencoded"}, cookies=False)
        assert_clear_page(answer, (400,))
    # The confirmation token used as an unsubscribe token, and the reverse.
    answer = client.request("POST", f"/unsubscribe/{kept_token}", body=b"List-Unsubscribe=One-Click",
                            headers={"Content-Type": "application/x-www-form-urlencoded"}, cookies=False)
    assert_clear_page(answer, (400, 404))
    assert_clear_page(client.get(f"/confirm/{unsubscribe_token}?lang=en"), (400, 404))
    assert subscriptions_of(daemon, kept)[0]["state"] == "active"

    # RFC 8058's preferred form (multipart/form-data), then a replay in the other form: harmless.
    request = one_click_for(listunsub, uri, "multipart")
    assert request.content_type.startswith("multipart/form-data")
    status, body = one_click_post(request, proxy.client_context())
    assert status == 200, (status, body[:2000])
    assert subscriptions_of(daemon, kept) == [], "the one-click did not remove the subscription"
    status, body = one_click_post(one_click_for(listunsub, uri, "urlencoded"), proxy.client_context())
    assert status == 200, (status, body[:2000])
    # Replaying the confirmation does not bring the subscription back.
    assert confirm(client, kept_link).status in (200, 404, 410)
    assert subscriptions_of(daemon, kept) == [], "a replayed confirmation brought a removed subscription back"
    rows = {r["offset"]: r["state"] for r in reminder_rows(daemon, subscription["id"])}
    assert rows == {"1h": "sent", "30m": "skipped"}, rows

    # Two days and a minute later, the pending request of `late` has expired: it confirms nothing.
    daemon.restart("2019-10-26T13:01+09:00", 1)
    wait_for_listener(client)
    page = client.get(with_query(late_link, lang="en"))
    assert_clear_page(page, (200, 404, 410))
    if page.status == 200:
        answer = client.post(path_of(late_link) + "?lang=en", [("csrf", page.csrf)])
        assert_clear_page(answer, (404, 410))
    assert subscriptions_of(daemon, late) == [] or all(s["state"] != "active" for s in subscriptions_of(daemon, late))
    assert daemon.running


def one_click_for(listunsub, uri, form):
    """listunsub's one-click POST for `uri`, also for the http URLs of a loopback listener without
    TLS (listunsub builds them for https only: the request is made for the https twin and sent to
    `uri`)."""
    if uri.startswith("https://"):
        return listunsub.one_click_request(uri, form=form)
    assert uri.startswith("http://127.0.0.1:"), uri
    return dataclasses.replace(listunsub.one_click_request("https://" + uri[len("http://"):], form=form), url=uri)


def rapid_posts(client, count, form, headers_for=lambda n: {}, workers=8):
    csrf = client.get("/?lang=en").csrf

    def one(n):
        return client.post("/subscribe?lang=en", form(n) + [("csrf", csrf)], headers=headers_for(n))

    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, range(count)))


def test_a_thousand_rapid_subscribe_posts_from_one_client_are_answered_429_past_the_limit(make_daemon, smtp):
    """One client, a thousand different addresses, half of the posts with a forged X-Forwarded-For
    (the peer is no trusted proxy, so it is ignored): no more confirmation mails than the per-client
    limit; every refusal is a 429 page with Retry-After."""
    port = free_port()
    daemon = web_daemon(make_daemon, smtp, port)
    daemon.start("2019-10-20T12:00+09:00", 1)
    client = WebClient(f"http://127.0.0.1:{port}")
    wait_for_listener(client)
    started = time.monotonic()
    answers = rapid_posts(
        client, 1000, lambda n: [("email", f"flood{n}@example.org"), ("city", CITY), ("lang", "en")],
        headers_for=lambda n: {"X-Forwarded-For": f"198.51.100.{n % 250}"} if n % 2 else {})
    took = time.monotonic() - started
    statuses = {}
    for answer in answers:
        statuses[answer.status] = statuses.get(answer.status, 0) + 1
    assert set(statuses) <= {303, 429}, statuses
    assert statuses.get(303, 0) == PER_CLIENT, statuses
    for answer in answers:
        if answer.status == 429:
            assert_clear_page(answer, (429,))
            assert int(answer.header("Retry-After")) >= 1, str(answer)
    time.sleep(2)
    assert len(smtp.messages()) == PER_CLIENT, f"{len(smtp.messages())} mails for {statuses} in {took:.1f} s"
    assert daemon.running
    # A pending request per accepted post, nothing for the refused ones.
    assert len(all_reminder_rows(daemon)) == 0


def test_many_clients_behind_a_trusted_proxy_cannot_flood_one_address(make_daemon, smtp):
    """X-Forwarded-For is believed from a trusted proxy: 200 clients, each posting the same
    address, get it no more confirmation mails than the per-address limit."""
    port = free_port()
    daemon = web_daemon(make_daemon, smtp, port, web_trusted_proxies="127.0.0.1")
    daemon.start("2019-10-20T12:00+09:00", 1)
    client = WebClient(f"http://127.0.0.1:{port}")
    wait_for_listener(client)
    victim = "victim@example.org"
    answers = rapid_posts(
        client, 200, lambda n: [("email", victim if n % 2 == 0 else "Victim@Example.org"), ("city", CITY)],
        headers_for=lambda n: {"X-Forwarded-For": f"203.0.113.{n}"})
    statuses = {}
    for answer in answers:
        statuses[answer.status] = statuses.get(answer.status, 0) + 1
    # The page does not tell a limited address from an accepted one, or it does with a 429: either
    # way, no more than the limit of mails go out.
    assert set(statuses) <= {303, 429}, statuses
    time.sleep(2)
    to_victim = [m for m in smtp.messages() if any(r.lower() == victim for r in m.rcpt_tos)]
    assert len(to_victim) == PER_ADDRESS, f"{len(to_victim)} mails to one address; answers {statuses}"
    # Clients are told apart: another address from another client behind the proxy is still taken.
    answer = subscribe_form(client, "bystander@example.org")
    assert answer.status == 303, str(answer)
    assert daemon.running

"""Scenario 5: receivers fail, and concertd retries on schedule, disables on 410, waits out SMTP.

The subscriptions are made with the clock at 12:00; concertd then restarts with its clock at
120× from 29 October 12:56, so Daegu's `1h` reminders (concert at 14:00) fall due 2 real seconds
after the restart, `50m` ones at 7 s, `40m` at 12 s and `30m` at 17 s. Retry delays are
shifted-clock seconds too: the first retry comes 15–30 s (0.125–0.25 real s) after a failure
(retry_initial = 30s, jitter factor 0.5–1), and a `Retry-After: 240` means 2 real seconds.
"""
import datetime as dt

from harness.clock import kst
from harness.receiver import Answer
from harness.waiting import poll_until

START = kst("2019-10-29T14:00")
RATE = 120
SLACK = 0.05  # how early an arrival may seem: the clock is read from a millisecond log stamp


def due(daemon, minutes_before):
    """The real moment Daegu's reminder `minutes_before` the concert falls due."""
    return daemon.clock.real_time(START - dt.timedelta(minutes=minutes_before))


def reminder_rows(daemon, subscription):
    return {r["offset"]: r for r in daemon.deliveries(subscription=subscription) if r["kind"] == "reminder"}


def test_failed_sends_are_retried_on_schedule_410_disables_and_smtp_outage_is_waited_out(
        make_daemon, receiver, smtp):
    daemon = make_daemon(smtp=smtp.url, config={"retry_initial": "30s", "http_timeout": "2s",
                                                "http_connect_timeout": "1s"})
    # 500, then 429 with Retry-After in seconds, then 429 with an HTTP-date, then success.
    receiver.script("/flaky", [Answer(500), Answer(429, retry_after="240"), Answer(429, retry_after_date=240),
                               Answer(204)])
    receiver.always("/gone", Answer(410))
    receiver.script("/slow", [Answer(204, hang=6)])  # longer than http_timeout: the first try times out
    smtp.down()
    smtp.tempfail.add("later@example.org")
    smtp.reject.add("nobody@example.org")

    daemon.start("2019-10-29T12:00+09:00", RATE)  # subscribe at leisure, then restart just before 13:00

    def webhook(route, before):
        reply = daemon.subscribe("daegu", webhook=receiver.url(route), format="generic", before=before, quiet=True)
        return reply["id"]

    def email(address, before):
        return daemon.subscribe("daegu", email=address, before=before, quiet=True)["id"]

    def listed(subscription):
        return next(s for s in daemon.ctl_ok("subscriptions")["subscriptions"] if s["id"] == subscription)

    flaky, gone, slow = webhook("/flaky", "1h"), webhook("/gone", "1h,50m,30m"), webhook("/slow", "1h")
    down = email("down@example.org", "1h")
    later, nobody = email("later@example.org", "40m"), email("nobody@example.org", "40m")
    daemon.restart("2019-10-29T12:56+09:00", RATE)
    assert daemon.clock.now() < kst("2019-10-29T13:00"), "the restart took past the first due time"

    # --- 500, 429 (seconds), 429 (HTTP-date), 204: four attempts, spaced as the policy says ---
    attempts = receiver.wait_for(lambda got: len(got) == 4, route="/flaky", timeout=20, what="four attempts")
    t = [a.arrived for a in attempts]
    assert -SLACK <= t[0] - due(daemon, 60) <= 1.0
    assert 0.125 - SLACK <= t[1] - t[0] <= 0.25 + 0.5, f"first retry after {t[1] - t[0]:.3f} s"
    assert 2.0 - SLACK <= t[2] - t[1] <= 2.0 + 0.5, f"Retry-After: 240 honoured as {t[2] - t[1]:.3f} s"
    assert (240 - 1) / RATE - SLACK <= t[3] - t[2] <= 2.0 + 0.5, f"Retry-After date honoured as {t[3] - t[2]:.3f} s"
    assert len({a.header("webhook-id") for a in attempts}) == 1, "a retry must keep its idempotency key"
    poll_until(lambda: reminder_rows(daemon, flaky)["1h"]["state"] == "sent", 5, what="flaky reminder sent")
    assert reminder_rows(daemon, flaky)["1h"]["attempts"] == 4

    # --- a receiver that hangs past http_timeout: the try is abandoned and retried ---
    slow_requests = receiver.wait_for(lambda got: len(got) == 2, route="/slow", timeout=15, what="a retry of /slow")
    assert 2.0 - SLACK <= slow_requests[1].arrived - slow_requests[0].arrived <= 2.0 + 1.5
    poll_until(lambda: reminder_rows(daemon, slow)["1h"]["state"] == "sent", 5, what="slow reminder sent")

    # --- SMTP down at the due time: the smarthost is shown failing, the mail waits ---
    failing = poll_until(lambda: [f for f in daemon.status()["failing_destinations"] if f["destination"] == "smtp"],
                         10, what="smtp listed as failing")
    assert failing[0]["failures"] >= 1 and failing[0]["last_error"], failing
    assert reminder_rows(daemon, down)["1h"]["state"] in ("scheduled", "retrying")
    smtp.up()
    mails = smtp.wait_for(lambda got: len(got) == 1, rcpt="down@example.org", timeout=15, what="the held mail")
    assert mails[0].arrived > due(daemon, 60) + 1.0
    poll_until(lambda: reminder_rows(daemon, down)["1h"]["state"] == "sent", 5, what="held mail recorded sent")
    poll_until(lambda: not daemon.status()["failing_destinations"], 5, what="no destination failing")

    # --- 410 Gone: the subscription is disabled; its 50m reminder is skipped; resume brings it back ---
    poll_until(lambda: listed(gone)["state"] == "disabled", 5, what="subscription disabled by 410")
    assert "410" in (listed(gone).get("state_reason") or ""), listed(gone)
    poll_until(lambda: reminder_rows(daemon, gone).get("50m", {}).get("state") == "skipped", 10,
               what="50m reminder skipped while disabled")
    assert reminder_rows(daemon, gone)["50m"].get("reason") == "disabled"
    assert len(receiver.requests(route="/gone")) == 1, "a disabled subscription was sent to"
    receiver.always("/gone", None)
    resumed = daemon.ctl_ok("resume", gone)
    assert listed(gone)["state"] == "active", resumed
    after_resume = receiver.wait_for(lambda got: len(got) == 2, route="/gone", timeout=15, what="30m after resume")
    assert -SLACK <= after_resume[1].arrived - due(daemon, 30) <= 1.0
    assert after_resume[1].json()["offset"] == "30m"
    gone_rows = reminder_rows(daemon, gone)
    assert (gone_rows["1h"]["state"], gone_rows["50m"]["state"], gone_rows["30m"]["state"]) == (
        "failed", "skipped", "sent"), gone_rows

    # --- 451 for one recipient (retried until accepted), 550 for another (failed, not retried) ---
    poll_until(lambda: reminder_rows(daemon, later)["40m"]["state"] == "retrying", 15, what="451 retried")
    poll_until(lambda: reminder_rows(daemon, nobody)["40m"]["state"] == "failed", 5, what="550 failed")
    last_error = reminder_rows(daemon, nobody)["40m"]["last_error"]
    assert "550" in last_error and "no such user" in last_error, last_error
    smtp.tempfail.discard("later@example.org")
    smtp.wait_for(lambda got: len(got) == 1, rcpt="later@example.org", timeout=15, what="mail after 451")
    poll_until(lambda: reminder_rows(daemon, later)["40m"]["state"] == "sent", 5, what="451 then sent")
    assert [code for address, code, _ in smtp.rcpt_attempts if address == "nobody@example.org"] == [550]
    assert smtp.messages(rcpt="nobody@example.org") == []
    assert len(smtp.messages()) == 2


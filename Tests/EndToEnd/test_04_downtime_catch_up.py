"""Scenario 4: concertd stopped across several due times, then started later: the catch-up rules.

Before the stop (clock from 27 October 12:00, an hour per second) Gwangju's 4d reminder goes out.
concertd is then stopped with SIGTERM and started again with its clock at 30 October 15:00. In
between fell Gwangju's 3d, 2d and 1d reminders (concert on the 31st, 14:00) and Daegu's 1d and 3h
reminders (concert on the 29th, 14:00, already started). Incheon's 1d (31st, 14:00) is still ahead.

README: a reminder missed while down is sent once, late, if its concert has not started; of several
missed offsets of one subscription and concert only the latest is sent, the others are `superseded`;
reminders of concerts that have started are `missed`; no burst of stale messages.
"""
from harness.clock import kst


def rows_by_offset(daemon, subscription):
    return {row["offset"]: row for row in daemon.deliveries(subscription=subscription) if row["kind"] == "reminder"}


def test_after_downtime_only_the_latest_missed_reminder_is_sent_and_started_concerts_are_missed(
        make_daemon, receiver):
    daemon = make_daemon()
    daemon.start("2019-10-27T12:00+09:00", 3600)
    gwangju = daemon.subscribe("gwangju", webhook=receiver.url("/gwangju"), format="generic",
                               before="4d,3d,2d,1d,1h", quiet=True)["id"]
    daegu = daemon.subscribe("daegu", webhook=receiver.url("/daegu"), format="generic", before="1d,3h",
                             quiet=True)["id"]
    incheon = daemon.subscribe("incheon", webhook=receiver.url("/incheon"), format="generic", before="1d",
                               quiet=True)["id"]

    # Gwangju's 4d reminder (27th 14:00) is sent before the stop.
    receiver.wait_for(lambda got: len(got) == 1, route="/gwangju", timeout=10, what="Gwangju's 4d reminder")
    daemon.wait_until_settled(1, timeout=5)
    stopped_at = daemon.clock.now()
    assert daemon.stop() == 0
    assert stopped_at < kst("2019-10-28T14:00"), f"stopped too late ({stopped_at}) to miss anything"

    # Three days later.
    daemon.start("2019-10-30T15:00+09:00", 1)
    daemon.wait_until_settled(2, timeout=10)

    gwangju_rows = rows_by_offset(daemon, gwangju)
    assert {o: (r["state"], r.get("reason")) for o, r in gwangju_rows.items()} == {
        "4d": ("sent", None),
        "3d": ("skipped", "superseded"),
        "2d": ("skipped", "superseded"),
        "1d": ("sent", None),
        "1h": ("scheduled", None),
    }, gwangju_rows
    assert gwangju_rows["1d"]["attempts"] == 1

    daegu_rows = rows_by_offset(daemon, daegu)
    assert {o: (r["state"], r.get("reason")) for o, r in daegu_rows.items()} == {
        "1d": ("skipped", "superseded"),
        "3h": ("skipped", "missed"),
    }, daegu_rows

    incheon_rows = rows_by_offset(daemon, incheon)
    assert {o: r["state"] for o, r in incheon_rows.items()} == {"1d": "scheduled"}, incheon_rows

    # What the receivers saw: Gwangju's 4d before the stop and its 1d once after; nothing else.
    got = receiver.requests(route="/gwangju")
    assert [r.json()["offset"] for r in got] == ["4d", "1d"]
    assert got[1].arrived - daemon.clock.real_start < 2.0, "the late reminder was not sent right after the start"
    assert receiver.requests(route="/daegu") == [] and receiver.requests(route="/incheon") == []

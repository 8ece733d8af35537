"""Concert changes as an operator makes them with the real binaries (issue 20, items 2–4 and 7).

- `concert reschedule` without `--end` keeps the concert's length, and the subscriber who heard of
  the concert receives one change notice saying so (10:00–18:00 → 10:00–18:00 the next day).
- The same change again queues nothing and says `nothing changed`.
- Each change is one journal line naming the requester's uid.
"""
import os
import time

from harness.waiting import poll_until


def test_a_reschedule_keeps_the_length_tells_who_heard_once_and_is_one_journal_line(make_daemon, receiver):
    daemon = make_daemon()
    daemon.start("2019-10-20T00:00+09:00", 1)
    daemon.subscribe("busan", webhook=receiver.url("/busan"), format="generic")
    receiver.wait_for(lambda got: len(got) == 1, route="/busan", timeout=10, what="the confirmation")

    moved = daemon.ctl_ok("concert", "reschedule", "busan-2019", "--start", "2019-10-26T10:00")
    assert moved["changed"] is True and moved["notices"] == 1, moved
    assert (moved["concert"]["start"], moved["concert"]["end"]) == (
        "2019-10-26T10:00:00+09:00", "2019-10-26T18:00:00+09:00"), moved["concert"]
    assert moved["concert"]["venue"] == {"ko": "부산 벡스코", "en": "BEXCO, Busan"}
    assert any("concert reset busan-2019" in w for w in moved["warnings"]), moved["warnings"]

    notice = receiver.wait_for(lambda got: len(got) == 2, route="/busan", timeout=10, what="the change notice")[1]
    payload = notice.json()
    assert payload["type"] == "change", payload
    assert payload["concert"]["end"] == "2019-10-26T18:00:00+09:00"
    assert payload["previous"]["end"] == "2019-10-25T18:00:00+09:00"

    again = daemon.ctl("concert", "reschedule", "busan-2019", "--start", "2019-10-26T10:00", json_output=False)
    assert again.returncode == 0, str(again)
    assert "nothing changed" in again.stdout, str(again)
    time.sleep(1)  # a second notice would have been due at once
    assert len(receiver.requests(route="/busan")) == 2

    poll_until(lambda: "concert unchanged" in daemon.log(), 5, what="the journal line of the empty change")
    lines = [line for line in daemon.log().splitlines() if "concert rescheduled" in line or "concert unchanged" in line]
    assert len(lines) == 2, lines
    assert all(f"peer.uid={os.getuid()}" in line and "concert.id=busan-2019" in line for line in lines), lines

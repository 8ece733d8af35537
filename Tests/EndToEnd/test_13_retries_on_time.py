"""Scenario 13: retries to a dead receiver go at their due time, none waits for a poke.

One webhook subscription to a receiver that answers 503 every time is retried every 1–2 s
(retry_initial = 1s, retry_max = 2s) on a clock running at the real rate, so that the timer fires
a fraction of a millisecond after each retry time, as in production. A retry time computed
between two milliseconds is stored rounded down: the scheduler must still read the row when the
timer fires for the stored time. Nothing else is due, so nothing else would wake the scheduler
(an operator's retry waited 162 s, until `concertctl reload`). The test watches the outbox and
fails if the retrying row stays past its next attempt.
"""
import datetime as dt
import time

import pytest

from harness.clock import kst
from harness.receiver import Answer

# Each retry watched to the second: the cores alone (conftest.py).
pytestmark = pytest.mark.solo

SUBSCRIPTIONS = 1
# The scheduler before the fix stalled by the 3rd, 6th and 8th attempt in three runs.
ATTEMPTS = 10
# Seconds past its next attempt (shown to the second) the retrying row may still seem to wait.
LATE = 2.5


def test_retries_to_a_dead_receiver_are_never_left_waiting(make_daemon, receiver):
    daemon = make_daemon(config={"retry_initial": "1s", "retry_max": "2s", "retry_max_attempts": ATTEMPTS,
                                 "http_timeout": "2s", "http_connect_timeout": "1s"})
    for i in range(SUBSCRIPTIONS):
        receiver.always(f"/dead{i}", Answer(503))
    daemon.start("2019-10-29T12:59:40+09:00", 1)
    for i in range(SUBSCRIPTIONS):
        daemon.subscribe("daegu", webhook=receiver.url(f"/dead{i}"), format="generic", before="1h", quiet=True)
    due = kst("2019-10-29T13:00")
    assert daemon.clock.now() < due - dt.timedelta(seconds=2), "subscribing took past the due time"

    worst, late_rows = 0.0, []
    deadline = time.time() + (due - daemon.clock.now()).total_seconds() + 2 * ATTEMPTS
    while time.time() < deadline and not daemon.deliveries(state="failed"):
        now = daemon.clock.now()
        for row in daemon.deliveries(state="retrying"):
            lateness = (now - kst(row["next_attempt"])).total_seconds()
            worst = max(worst, lateness)
            if lateness > LATE:
                late_rows.append((row["id"], row["next_attempt"], round(lateness, 3), row["attempts"]))
        if late_rows:
            break
        time.sleep(0.1)
    attempts = sum(len(receiver.requests(route=f"/dead{i}")) for i in range(SUBSCRIPTIONS))
    assert late_rows or attempts >= ATTEMPTS / 2, f"only {attempts} attempts were made"
    assert not late_rows, (f"retrying rows left past their next attempt (worst {worst:.3f} s): {late_rows}; "
                           f"status: {daemon.status()}")

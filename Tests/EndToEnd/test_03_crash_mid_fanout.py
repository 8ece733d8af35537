"""Scenario 3: kill -9 in the middle of a fan-out, then restart: nothing lost, repeats bounded.

3,000 webhook subscriptions to Daegu, all with a 1h reminder due at 29 October 13:00. concertd
runs with max_in_flight = 16. Once a third of the reminders have arrived it is killed with
SIGKILL, then started again (its clock now past the due time, before the concert). README: rows
left `sending` are sent again (at least once), repeats are bounded by the sends in flight at the
crash, and each message carries its row's idempotency key.

The second test shows the other half of the README's promise: a SIGTERM in the middle of a
fan-out lets the sends in flight finish and records them, so nothing is sent twice.
"""
import collections
import signal

from harness.clock import kst
from harness.fanout import daemon_with_fanout
from harness.receiver import Answer

DUE = kst("2019-10-29T13:00")
MAX_IN_FLIGHT = 16
LIMITS = {"max_in_flight": MAX_IN_FLIGHT, "max_in_flight_per_destination": MAX_IN_FLIGHT}


def fanout(make_daemon, receiver, count):
    # Each answer takes a few milliseconds, so that the fan-out lasts long enough to interrupt.
    receiver.default(Answer(204, hang=0.004))
    return daemon_with_fanout(make_daemon, receiver, count, DUE, lead_seconds=2, config=LIMITS)


def test_kill_9_mid_fanout_then_restart_delivers_everything_with_bounded_repeats(make_daemon, receiver):
    count = 3000
    daemon, routes = fanout(make_daemon, receiver, count)

    receiver.wait_for(lambda got: len(got) >= count // 3, timeout=60, what="a third of the fan-out")
    daemon.kill9()
    assert daemon.process.returncode == -signal.SIGKILL
    before_crash = len(receiver.requests())
    assert before_crash < count, "the fan-out was over before the kill: nothing was interrupted"

    daemon.start("2019-10-29T13:00:30+09:00", 1)
    counts = daemon.wait_until_settled(count, timeout=120)
    assert counts == {"sent": count}, counts

    got = receiver.requests()
    keys = collections.Counter(r.idempotency_key for r in got)
    assert None not in keys
    assert len(keys) == count, f"{len(keys)} distinct idempotency keys for {count} reminders"
    assert {r.route for r in got} == set(routes), "some subscription got nothing"
    repeats = len(got) - count
    assert 0 <= repeats <= MAX_IN_FLIGHT, f"{repeats} repeats; at most {MAX_IN_FLIGHT} were in flight"
    assert all(n <= 2 for n in keys.values())
    print(f"\nkilled after {before_crash} of {count} arrived; {repeats} sent again after the restart")
    assert "re-sending deliveries interrupted" in daemon.log() or repeats == 0


def test_sigterm_mid_fanout_lets_sends_in_flight_finish_and_sends_nothing_twice(make_daemon, receiver):
    count = 1000
    daemon, routes = fanout(make_daemon, receiver, count)

    receiver.wait_for(lambda got: len(got) >= count // 3, timeout=60, what="a third of the fan-out")
    assert daemon.stop() == 0
    assert "in_flight_left=0" in daemon.log(), "SIGTERM left sends in flight"
    before_stop = len(receiver.requests())
    assert before_stop < count, "the fan-out was over before the stop: nothing was interrupted"

    daemon.start("2019-10-29T13:00:30+09:00", 1)
    counts = daemon.wait_until_settled(count, timeout=60)
    assert counts == {"sent": count}, counts
    got = receiver.requests()
    assert len(got) == count, f"{len(got) - count} reminders sent twice across a SIGTERM"
    assert len({r.idempotency_key for r in got}) == count
    assert "recovered=0" in daemon.log()

"""Scenario 16: several concertd instances on one PostgreSQL server (issue 18).

The real binaries against a real PostgreSQL 15 cluster of the test's own (harness/postgres.py:
Debian's initdb into a temporary folder, a free port on 127.0.0.1, default durability), each
instance with its own state folder, control socket and `instance_name`, all with the same
`database_url` and the password from `database_password_file`.

- A subscription made through one instance's socket is sent by another, which learned of it
  through LISTEN/NOTIFY: the first one is stopped before the reminder is due.
- Three instances, 10,000 signed webhook reminders due at one instant: every one arrives, each
  `webhook-id` exactly once, and every instance sent some.
- The same with `kill -9` of one instance in the middle: the others send the rest and leave the
  dead instance's rows alone while their leases last; when the leases expire they take the rows
  back; every reminder arrives, repeats no more than its `max_in_flight`. A lease lasts at least
  300 s (`PostgresStore.leaseSeconds`): the test ends the dead instance's leases on the database's
  clock (`UPDATE … SET lease_expires_at = now()`), unless `CONCERTD_E2E_REAL_LEASE=1`, which waits.
- The same with PostgreSQL stopped for ten seconds in the middle: the instances keep running,
  `status` answers on each at once, naming the store unreachable and its counts not read, they
  reconnect, and every reminder arrives after the server is back.
- One catalog: a `reload --take-file` on one instance is followed by the other, whose own file
  did not change since it last read it: its SIGHUP and its `reload` keep the newer catalog in
  force and say so.

None checks timing to the second: they run beside other scenarios (no `solo` mark), and every
wait is for a condition, bounded.
"""
import collections
import datetime as dt
import os
import signal
import time

from harness.clock import kst
from harness.daemon import CATALOG
from harness.instances import instances_with_fanout, start_together
from harness.receiver import Answer
from harness.waiting import poll_until, sleep_until

# Daegu's concert starts on 29 October 2019 at 14:00 Korea time: its 1h reminder is due at 13:00.
DUE = kst("2019-10-29T13:00")
COUNT = 10_000
MAX_IN_FLIGHT = 16
# One receiver is one destination: the per-destination limit is raised to the instance's.
LIMITS = {"max_in_flight": MAX_IN_FLIGHT, "max_in_flight_per_destination": MAX_IN_FLIGHT}
HELD_BY_I2 = "SELECT count(*) FROM delivery WHERE state = 'sending' AND claimed_by = 'i2'"
# A lease lasts at least 300 s: the kill -9 scenario advances the dead instance's leases on the
# database's clock unless CONCERTD_E2E_REAL_LEASE=1, which waits for them (minutes).
REAL_LEASE = os.environ.get("CONCERTD_E2E_REAL_LEASE") == "1"


def arrival_summary(got):
    """(requests, distinct webhook-ids, the ids that arrived more than once)."""
    ids = collections.Counter(r.header("webhook-id") for r in got)
    assert None not in ids, "a request without webhook-id"
    return len(got), len(ids), {key: n for key, n in ids.items() if n > 1}


def wait_until_all_sent(daemons, count, timeout):
    """Every instance's `status` counts `count` sent and nothing sending or retrying (one set of
    counters, summed over the instances' rows)."""
    for daemon in daemons:
        counts = daemon.wait_until_settled(count, timeout=timeout)
        assert counts == {"sent": count}, f"{daemon.workdir.name}: {counts}"


def test_a_subscription_made_through_one_instance_is_sent_by_another(make_instances, shared_database, receiver):
    one, two = make_instances(2)
    start_together([one, two], DUE - dt.timedelta(seconds=8), 1)
    for daemon, name in ((one, "i1"), (two, "i2")):
        status = daemon.status()
        assert status["counts"]["deliveries"].get("scheduled", 0) == 0
        assert status["store"] == {"engine": "postgresql", "host": "127.0.0.1", "port": shared_database.cluster.port,
                                   "database": "concertd", "instance_name": name}, status["store"]

    made = one.subscribe(
        "daegu", webhook=receiver.url("/made-on-one"), format="generic", before="1h", quiet=True)
    # `two` has its timer armed for nothing: only a notice from the database tells it of the new row.
    assert one.stop() == 0, one.log()[-3000:]
    assert two.clock.now() < DUE, "the subscription and the stop took until the due time"

    due_real = two.clock.real_time(DUE)
    got = receiver.wait_for(lambda got: len(got) >= 1, route="/made-on-one", timeout=due_real - time.time() + 20,
                            what="the reminder of the subscription made through the other instance")
    late = got[0].arrived - due_real
    assert -0.5 <= late <= 5, f"arrived {late:+.2f} s from the due time"
    assert shared_database.attempts_by_instance() == {"i2": 1}
    sent = two.deliveries(subscription=made["id"])
    assert [d["state"] for d in sent] == ["sent"], sent
    time.sleep(1)
    assert len(receiver.requests(route="/made-on-one")) == 1
    print(f"\nsent by i2 {late * 1000:.0f} ms after the due time")


def test_three_instances_send_10000_reminders_due_at_one_instant_each_once(make_instances, shared_database, receiver):
    daemons = make_instances(3, config=LIMITS)
    routes = instances_with_fanout(daemons, receiver, COUNT, DUE, lead_seconds=3)
    started = time.monotonic()
    receiver.wait_for(lambda got: len(got) >= COUNT, timeout=180, what=f"{COUNT} reminders")
    took = time.monotonic() - started
    wait_until_all_sent(daemons, COUNT, timeout=60)

    got = receiver.requests()
    requests, distinct, repeated = arrival_summary(got)
    assert (requests, distinct, repeated) == (COUNT, COUNT, {}), (requests, distinct, list(repeated.items())[:5])
    assert {r.route for r in got} == set(routes), "some subscription got nothing"
    by_instance = shared_database.attempts_by_instance()
    assert sum(by_instance.values()) == COUNT, by_instance
    assert set(by_instance) == {"i1", "i2", "i3"}, f"not every instance sent: {by_instance}"
    print(f"\n{COUNT} reminders in {took:.1f} s from 3 s before the due time; attempts by instance {by_instance}")


def test_kill_9_of_one_instance_mid_fanout_the_others_send_its_reminders(make_instances, shared_database, receiver):
    # Each answer takes a few milliseconds, so that the fan-out lasts long enough to interrupt.
    receiver.default(Answer(204, hang=0.004))
    daemons = make_instances(3, config=LIMITS)
    routes = instances_with_fanout(daemons, receiver, COUNT, DUE, lead_seconds=3)
    victim, survivors = daemons[1], [daemons[0], daemons[2]]

    receiver.wait_for(lambda got: len(got) >= COUNT // 3, timeout=120, what="a third of the fan-out")
    victim.kill9()
    assert victim.process.returncode == -signal.SIGKILL
    before_kill = len(receiver.requests())
    held = int(shared_database.sql(HELD_BY_I2)[0])
    assert before_kill < COUNT, "the fan-out was over before the kill: nothing was interrupted"
    assert held > 0, "i2 held no row when it was killed: nothing of its was interrupted"

    # The others send the rest and leave the dead instance's rows alone while their leases last.
    receiver.wait_for(lambda got: len({r.route for r in got}) >= COUNT - held, timeout=180,
                      what="every reminder the killed instance did not hold")
    poll_until(lambda: survivors[0].delivery_counts() == {"sent": COUNT - held, "sending": held}, 30,
               what=f"{COUNT - held} sent and the {held} rows of i2 still sending")
    assert int(shared_database.sql(HELD_BY_I2)[0]) == held, "rows of i2 were taken before their leases expired"

    # Its leases expire: ended now on the database's clock, by which leases are timed (or, with
    # REAL_LEASE, waited for); the survivors' reclaim timers take the rows back and send them.
    lease_left = float(shared_database.sql(
        "SELECT extract(epoch FROM max(lease_expires_at) - now()) FROM delivery WHERE claimed_by = 'i2'")[0])
    assert lease_left > 0
    if not REAL_LEASE:
        shared_database.sql("UPDATE delivery SET lease_expires_at = now() WHERE claimed_by = 'i2'")
    expired = time.monotonic()
    wait_until_all_sent(survivors, COUNT, timeout=(lease_left if REAL_LEASE else 0) + 90)
    taken_back_after = time.monotonic() - expired
    assert all(d.running for d in survivors)

    got = receiver.requests()
    requests, distinct, repeated = arrival_summary(got)
    assert distinct == COUNT, f"{distinct} distinct webhook-ids for {COUNT} reminders"
    assert {r.route for r in got} == set(routes), "some subscription got nothing"
    repeats = requests - COUNT
    assert 0 <= repeats <= MAX_IN_FLIGHT, f"{repeats} repeats; the killed one had at most {MAX_IN_FLIGHT} in flight"
    assert all(n <= 2 for n in repeated.values()), repeated
    print(f"\nkilled i2 after {before_kill} of {COUNT} arrived, holding {held} rows "
          f"(lease {lease_left:.0f} s left); "
          f"sent by the others {taken_back_after:.1f} s after the leases were ended (or, waited for, had "
          f"{lease_left:.0f} s left); {repeats} sent again; "
          f"attempts {shared_database.attempts_by_instance()}")


def test_postgres_stopped_for_ten_seconds_mid_fanout_every_reminder_arrives(
        make_instances, shared_database, postgres, receiver):
    receiver.default(Answer(204, hang=0.004))
    daemons = make_instances(3, config=LIMITS)
    routes = instances_with_fanout(daemons, receiver, COUNT, DUE, lead_seconds=3)

    receiver.wait_for(lambda got: len(got) >= COUNT // 3, timeout=120, what="a third of the fan-out")
    postgres.stop()
    stopped = time.time()
    before_outage = len(receiver.requests())
    assert before_outage < COUNT, "the fan-out was over before the server stopped"
    # `status` answers during the outage, from each instance's memory, naming the store's fault.
    time.sleep(2)
    for daemon in daemons:
        asked = time.monotonic()
        text = daemon.ctl("status", json_output=False, timeout=20)
        answered_in = time.monotonic() - asked
        assert text.returncode == 0, str(text)
        assert answered_in < 5, f"{daemon.workdir.name}: status took {answered_in:.1f} s during the outage"
        assert "UNREACHABLE since" in text.stdout, text.stdout
        assert "not read: the store cannot be reached" in text.stdout, text.stdout
        document = daemon.status()
        assert document["store"]["unreachable_since"] and document["store"]["unreachable_reason"], document
        assert "counts" in document["not_read"], document
    sleep_until(stopped + 10)
    during_outage = len(receiver.requests()) - before_outage
    exited = [f"{d.workdir.name} (exit {d.process.returncode})" for d in daemons if not d.running]
    assert not exited, f"instances exited while the database was away: {exited}"
    postgres.start()
    back = time.monotonic()

    receiver.wait_for(lambda got: len({r.route for r in got}) >= COUNT, timeout=180,
                      what="every reminder after the database came back")
    finished_after = time.monotonic() - back
    wait_until_all_sent(daemons, COUNT, timeout=60)
    assert all(d.running for d in daemons)
    for daemon in daemons:
        document = daemon.status()
        assert "unreachable_since" not in document["store"] and "not_read" not in document, document

    got = receiver.requests()
    requests, distinct, repeated = arrival_summary(got)
    assert distinct == COUNT and {r.route for r in got} == set(routes), "some subscription got nothing"
    repeats = requests - COUNT
    # What was in flight when the server went away may be sent again: never more than that.
    assert 0 <= repeats <= 3 * MAX_IN_FLIGHT, f"{repeats} repeats"
    print(f"\nserver stopped after {before_outage} of {COUNT} arrived; {during_outage} arrived while it "
          "was away; "
          f"the rest {finished_after:.1f} s after it was back; {repeats} sent again")



def test_a_reload_of_an_unchanged_file_keeps_the_newer_catalog_another_instance_took(make_instances, tmp_path):
    one, two = make_instances(2)
    edited = tmp_path / "edited.json5"
    edited.write_text(CATALOG.read_text().replace("2019-10-25T18:00+09:00", "2019-10-25T17:00+09:00"))
    two.catalog = edited
    # One after the other: `two` starts beside the catalog `one` imported, and does not import its file.
    one.start(DUE - dt.timedelta(days=5), 1)
    two.start(DUE - dt.timedelta(days=5), 1)
    catalog = two.status()["catalog"]
    assert catalog["file_version"] != catalog["version"], catalog
    taken = two.ctl("reload", "--take-file", json_output=False)
    assert taken.returncode == 0, str(taken)
    newer = two.status()["catalog"]["version"]
    assert newer == catalog["file_version"]
    poll_until(lambda: one.status()["catalog"]["version"] == newer, timeout=10, what="one following two's catalog")

    # `one`'s file is what it read at its start: SIGHUP keeps the newer catalog, in the journal.
    one.signal(signal.SIGHUP)
    poll_until(lambda: "catalog in force kept" in one.log(), timeout=10, what="the journal line of the kept catalog")
    assert "--take-file" in one.log()
    kept = one.ctl("reload", json_output=False)
    assert kept.returncode == 0, str(kept)
    assert f"catalog in force kept: version {newer}" in kept.stdout and "by instance i2" in kept.stdout, str(kept)
    assert "concertctl reload --take-file" in kept.stdout, str(kept)
    for daemon in (one, two):
        assert daemon.status()["catalog"]["version"] == newer
    busan = [c for c in one.ctl_ok("concerts", "--all")["concerts"] if c["id"] == "busan-2019"]
    assert busan and busan[0]["end"] == "2019-10-25T17:00:00+09:00", busan

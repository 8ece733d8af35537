"""Scenario 7: 20 clients hammer the control socket while a fan-out of 1,000 reminders runs.

Half the clients keep one connection for all their requests, half connect anew for each. The
mix reads (status, listings, preview) and writes (new subscriptions for Goyang, whose concert is
in December). Bounded: 20 × 60 requests, each with a 10 s socket timeout, all within 120 s.
Every request must be answered under its own id, and every reminder of the fan-out sent once.
"""
import threading
import time

from harness.clock import kst
from harness.control_socket import RawControl
from harness.fanout import daemon_with_fanout
from harness.waiting import sleep_until

CLIENTS = 20
REQUESTS_PER_CLIENT = 60
FANOUT = 1000
DUE = kst("2019-10-29T13:00")


def request_mix(client, n, receiver):
    """The n-th request of a client: (method, params)."""
    mix = [
        ("status", None),
        ("cities", None),
        ("concerts", {"city": "daegu"}),
        ("upcoming", {"limit": 20}),
        ("deliveries", {"limit": 20}),
        ("subscriptions", {"city": "goyang"}),
        ("preview", {"from": "2019-12-01T00:00+09:00", "to": "2019-12-11T00:00+09:00", "city": "goyang"}),
        ("subscribe", {"cities": ["goyang"], "webhook": receiver.url(f"/extra/{client}/{n}"), "format": "slack",
                       "before": ["1d"], "quiet": True}),
    ]
    return mix[(client + n) % len(mix)]


def hammer(client, socket_path, receiver, results, deadline):
    persistent = client % 2 == 0
    connection = RawControl(socket_path) if persistent else None
    try:
        for n in range(REQUESTS_PER_CLIENT):
            if time.monotonic() > deadline:
                return
            method, params = request_mix(client, n, receiver)
            request_id = client * 1000 + n
            started = time.monotonic()
            try:
                if not persistent:
                    connection = RawControl(socket_path)
                reply = connection.request(method, params, id=request_id)
                results.append((request_id, method, reply, time.monotonic() - started))
            except Exception as error:  # noqa: BLE001 - every failure is a finding, recorded
                results.append((request_id, method, {"exception": repr(error)}, time.monotonic() - started))
            finally:
                if not persistent and connection is not None:
                    connection.close()
    finally:
        if connection is not None:
            connection.close()


def test_twenty_clients_are_all_answered_while_a_fanout_is_sent(make_daemon, receiver):
    daemon, routes = daemon_with_fanout(
        make_daemon, receiver, FANOUT, DUE, lead_seconds=2,
        config={"max_in_flight": 16, "max_in_flight_per_destination": 16})

    results = []
    deadline = time.monotonic() + 120
    threads = [threading.Thread(target=hammer, args=(c, daemon.socket, receiver, results, deadline), daemon=True)
               for c in range(CLIENTS)]
    # Start hammering just before the fan-out begins.
    sleep_until(daemon.clock.real_time(DUE) - 0.3)
    hammer_started = time.time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + 5)
    hammer_ended = time.time()
    assert not any(t.is_alive() for t in threads), "a client was still waiting when the time ran out"

    # Every request answered, under its own id, without error.
    assert len(results) == CLIENTS * REQUESTS_PER_CLIENT, f"{len(results)} of {CLIENTS * REQUESTS_PER_CLIENT} answered"
    failures = [(i, m, r) for i, m, r, _ in results if "result" not in r or r.get("id") != i]
    assert failures == [], failures[:5]
    latencies = sorted(seconds for *_, seconds in results)
    print(f"\n{len(results)} requests in {hammer_ended - hammer_started:.1f} s; "
          f"median {latencies[len(latencies) // 2] * 1000:.0f} ms, max {latencies[-1] * 1000:.0f} ms")

    # Every reminder of the fan-out sent once, and the fan-out overlapped the hammering.
    daemon.wait_until_settled(FANOUT, timeout=60)
    fanout = receiver.requests(prefix="/fan/")
    assert len(fanout) == FANOUT and {r.route for r in fanout} == set(routes)
    assert len({r.idempotency_key for r in fanout}) == FANOUT
    assert fanout[0].arrived < hammer_ended and fanout[-1].arrived > hammer_started, "no overlap: nothing shown"

    # The subscriptions made under load are all there.
    made = sum(1 for _, method, _, _ in results if method == "subscribe")
    goyang = daemon.ctl_ok("subscriptions", "--city", "goyang")["subscriptions"]
    assert len(goyang) == made
    assert daemon.running

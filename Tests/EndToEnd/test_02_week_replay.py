"""Scenario 2: the week of 21–27 October 2019 replayed at two hours per second.

Daejeon (23rd), Gongju/Buyeo (24th), Busan and Tongyeong (25th) and Sejong (27th, date-only) with
offsets chosen so that most fall inside the week; Gongju's 7d falls on the 17th, before the clock
starts, and must not be sent. `concertctl preview` is asked once, right after subscribing, what
will go out until the 28th; then every subscription must receive exactly that, in that order,
each within a real second (two hours of the replay) of its due time.
"""
import pytest

from harness.clock import kst

CLOCK_START = "2019-10-20T00:00+09:00"
WINDOW_END = "2019-10-28T00:00+09:00"
# Two hours of the replay per real second: the week takes about 90 s.
RATE = 7200

# Each reminder within a real second of its due time: the cores alone (conftest.py).
pytestmark = pytest.mark.solo

# route → (cities as a person would type them, offsets)
SUBSCRIPTIONS = {
    "/daejeon": (["대전"], "3d,1d,2h"),
    "/gongju": (["gongju"], "7d,1d,1h"),
    "/buyeo": (["부여군"], "2d,30m"),
    "/busan": (["부산광역시"], "4d,1d,3h"),
    "/tongyeong": (["Tongyeong"], "1d,90m"),
    "/sejong": (["sejong"], "7d,1d,1h"),
    "/busan-and-tongyeong": (["busan", "tongyeong"], "1d"),
}


def without_time_left(text):
    """The message without the time left to the concert that ends its first line (`— 1시간 후`).

    That is reckoned when the message is rendered: a send 20 ms after its due time is 144 s late
    at two hours per second, and the message then rightly says `57분 후`, not the preview's `1시간 후`.
    """
    subject, rest = text.split("\n", 1)
    return subject.rsplit(" — ", 1)[0] + "\n" + rest


def test_a_replayed_week_delivers_exactly_what_preview_predicted_in_order(make_daemon, receiver):
    daemon = make_daemon()
    daemon.start(CLOCK_START, RATE)
    routes = {}
    for route, (cities, offsets) in SUBSCRIPTIONS.items():
        reply = daemon.subscribe(*cities, webhook=receiver.url(route), format="generic", before=offsets, quiet=True)
        routes[reply["id"]] = route

    predicted = daemon.ctl_ok("preview", "--from", CLOCK_START, "--to", WINDOW_END)["reminders"]
    subscribed_at = daemon.clock.now()
    assert subscribed_at < kst("2019-10-20T09:00"), f"subscribing took until {subscribed_at}"

    by_route = {route: [] for route in SUBSCRIPTIONS}
    for reminder in predicted:
        by_route[routes[reminder["subscription"]]].append(reminder)
    plan = {route: [(r["concert"], r["offset"], r["due"]) for r in items] for route, items in by_route.items()}
    # The prediction itself follows the README's rules (spelled out so a wrong preview fails too).
    assert plan == {
        "/daejeon": [("daejeon-2019", "3d", "2019-10-20T14:00:00+09:00"),
                     ("daejeon-2019", "1d", "2019-10-22T14:00:00+09:00"),
                     ("daejeon-2019", "2h", "2019-10-23T12:00:00+09:00")],
        "/gongju": [("gongju-buyeo-2019", "1d", "2019-10-23T14:00:00+09:00"),
                    ("gongju-buyeo-2019", "1h", "2019-10-24T13:00:00+09:00")],
        "/buyeo": [("gongju-buyeo-2019", "2d", "2019-10-22T14:00:00+09:00"),
                   ("gongju-buyeo-2019", "30m", "2019-10-24T13:30:00+09:00")],
        "/busan": [("busan-2019", "4d", "2019-10-21T10:00:00+09:00"),
                   ("busan-2019", "1d", "2019-10-24T10:00:00+09:00"),
                   ("busan-2019", "3h", "2019-10-25T07:00:00+09:00")],
        "/tongyeong": [("tongyeong-2019", "1d", "2019-10-24T18:30:00+09:00"),
                       ("tongyeong-2019", "90m", "2019-10-25T17:00:00+09:00")],
        # Date-only: due at 09:00 Korea time on the day each offset lands on; 1h on the day itself.
        "/sejong": [("sejong-2019", "7d", "2019-10-20T09:00:00+09:00"),
                    ("sejong-2019", "1d", "2019-10-26T09:00:00+09:00"),
                    ("sejong-2019", "1h", "2019-10-27T09:00:00+09:00")],
        "/busan-and-tongyeong": [("busan-2019", "1d", "2019-10-24T10:00:00+09:00"),
                                 ("tongyeong-2019", "1d", "2019-10-24T18:30:00+09:00")],
    }
    assert all("시간 미정" in r["body"] for r in by_route["/sejong"]), "a date-only concert must say so"

    total = len(predicted)
    last_due = max(kst(r["due"]) for r in predicted)
    timeout = daemon.clock.real_time(last_due) - daemon.clock.real_time(daemon.clock.now()) + 20
    receiver.wait_for(lambda got: len(got) >= total, timeout=timeout, what=f"{total} reminders of the week")
    daemon.wait_until_settled(total, timeout=10)

    for route, expected in by_route.items():
        got = receiver.requests(route=route)
        payloads = [r.json() for r in got]
        received = [(p["concert"]["id"], p["offset"]) for p in payloads]
        assert received == [(e["concert"], e["offset"]) for e in expected], route
        assert all(p["type"] == "reminder" for p in payloads)
        for request, payload, reminder in zip(got, payloads, expected):
            late = request.arrived - daemon.clock.real_time(kst(reminder["due"]))
            assert -0.05 <= late <= 1.0, f"{route} {reminder['offset']}: {late:+.3f} s (two hours are a second here)"
            assert without_time_left(payload["text"]) == without_time_left(reminder["body"]), route
        assert len({r.idempotency_key for r in got}) == len(got)
    assert len(receiver.requests()) == total
    assert daemon.delivery_counts() == {"sent": total}

"""Many subscriptions at once, through `concertctl subscribe --from FILE` (bulk import)."""
import datetime as dt
import json

# A request line is at most 64 KiB: 400 subscriptions of this shape fit with room to spare.
LINES_PER_FILE = 400


def bulk_subscribe(daemon, receiver, count, prefix="/fan", city="daegu", offsets="1h", format="slack", secret=None):
    """Subscribes `count` webhooks, `{prefix}/{n}` on the receiver, all due at the same moments;
    `format="generic"` wants `secret` (`whsec_…`), the one every subscription signs with.

    Returns the routes, in order. Fails if any line is rejected.
    """
    extra = {"secret": secret} if secret else {}
    routes = [f"{prefix}/{n}" for n in range(count)]
    for first in range(0, count, LINES_PER_FILE):
        chunk = routes[first:first + LINES_PER_FILE]
        path = daemon.workdir / f"bulk{prefix.replace('/', '-')}-{first}.jsonl"
        path.write_text("".join(
            json.dumps({"cities": [city], "webhook": receiver.url(route), "format": format, "before": offsets} | extra)
            + "\n" for route in chunk))
        reply = daemon.ctl_ok("subscribe", "--from", path)
        assert reply["imported"] == len(chunk) and reply["rejected"] == [], reply["rejected"][:5]
    return routes


def daemon_with_fanout(make_daemon, receiver, count, due, lead_seconds, config=None):
    """A daemon holding `count` webhook subscriptions whose reminders are all due at `due`, its
    clock reaching `due` about `lead_seconds` real seconds after this returns.

    The import runs with the clock an hour early and the daemon then restarts with the clock
    just before `due`: however slow the machine, the import is over before anything is due.
    """
    daemon = make_daemon(config=config)
    daemon.start(due - dt.timedelta(hours=1), 1)
    routes = bulk_subscribe(daemon, receiver, count, offsets="1h")
    assert daemon.delivery_counts() == {"scheduled": count}
    daemon.restart(due - dt.timedelta(seconds=lead_seconds), 1)
    assert daemon.clock.now() < due, f"the restart took until {daemon.clock.now()}, past the due time"
    return daemon, routes

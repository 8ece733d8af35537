"""Many subscriptions at once, through `concertctl subscribe --from FILE` (bulk import)."""
import json

# A request line is at most 64 KiB: 400 subscriptions of this shape fit with room to spare.
LINES_PER_FILE = 400


def bulk_subscribe(daemon, receiver, count, prefix="/fan", city="daegu", offsets="1h", format="slack"):
    """Subscribes `count` webhooks, `{prefix}/{n}` on the receiver, all due at the same moments.

    Returns the routes, in order. Fails if any line is rejected.
    """
    routes = [f"{prefix}/{n}" for n in range(count)]
    for first in range(0, count, LINES_PER_FILE):
        chunk = routes[first:first + LINES_PER_FILE]
        path = daemon.workdir / f"bulk{prefix.replace('/', '-')}-{first}.jsonl"
        path.write_text("".join(
            json.dumps({"cities": [city], "webhook": receiver.url(route), "format": format, "before": offsets})
            + "\n" for route in chunk))
        reply = daemon.ctl_ok("subscribe", "--from", path)
        assert reply["imported"] == len(chunk) and reply["rejected"] == [], reply["rejected"][:5]
    return routes

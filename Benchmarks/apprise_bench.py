"""What users would use instead: Apprise sending the same notifications from one Python process.

Run with the Python that has Apprise (Benchmarks/run.py makes a venv under .build/):
  apprise_bench.py webhook http://127.0.0.1:PORT N [parallel|sequential]  -> N json:// notifications
  apprise_bench.py email   127.0.0.1:PORT        N [parallel|sequential]  -> N mailto:// (no TLS, no login)
Prints one JSON object: {"kind", "mode", "count", "seconds", "per_second", "ok", "apprise"}.
All notifications go out through one `notify()` call on one Apprise object, as Apprise is meant
to be used. `parallel` is Apprise's default (its thread pool, Apprise 1.5 and later);
`sequential` sets `AppriseAsset(async_mode=False)`, one after the other as older Apprise did.
"""
import json
import logging
import sys
import time

import apprise

logging.disable(logging.CRITICAL)

kind, target, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
mode = sys.argv[4] if len(sys.argv) > 4 else "parallel"
body = ("Reminder: the Smart City citizen talk concert in Daegu starts on 2019-10-29 at 14:00 (KST) "
        "at the venue given in the catalog. " * 8)[:900]
title = "Concert reminder: Daegu, 2019-10-29 14:00"

notifier = apprise.Apprise(asset=apprise.AppriseAsset(async_mode=(mode == "parallel")))
for i in range(count):
    if kind == "webhook":
        host = target.split("://", 1)[1]
        url = f"json://{host}/hook/{i}"
    else:
        url = f"mailto://{target}?from=bench@example.org&to=user{i}@example.org&mode=insecure&name=concertd"
    if not notifier.add(url):
        print(json.dumps({"error": f"Apprise refused the URL {url}"}))
        sys.exit(1)

start = time.perf_counter()
ok = notifier.notify(body=body, title=title)
seconds = time.perf_counter() - start
print(json.dumps({"kind": kind, "mode": mode, "count": count, "seconds": seconds, "per_second": count / seconds, "ok": bool(ok),
                  "apprise": apprise.__version__}))

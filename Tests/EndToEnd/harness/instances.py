"""Several concertd instances sharing one PostgreSQL database (issue 18).

    database = SharedDatabase(cluster, folder)    # a role with a password, its database, the password file
    daemons = [make_daemon(name, config=database.settings(name)) for name in ("i1", "i2", "i3")]
    start_together(daemons, clock_start, 1)       # launched one after another, then waited for
    database.sql("SELECT instance, count(*) FROM attempt GROUP BY instance")

Each instance has its own folder (state directory, control socket, log) and `instance_name`; all
have the same `database_url` and read the password from the same file
(`database_password_file`, mode 0600), never from the URL. The role owns its database and is
not a superuser: the schema is made by the daemons' own migrations.
"""
import datetime as dt
import os
import secrets

from .fanout import bulk_subscribe

ROLE = "concertd"
# A Standard Webhooks secret: every `generic` webhook signs with it and carries `webhook-id`.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


class SharedDatabase:
    def __init__(self, cluster, folder, name="concertd"):
        self.cluster = cluster
        self.name = name
        self.password = secrets.token_urlsafe(18)
        cluster.create_role(ROLE, self.password)
        cluster.create_database(name, owner=ROLE)
        self.url = cluster.url(name, user=ROLE)
        self.password_file = folder / "db-password"
        descriptor = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as f:
            f.write(self.password + "\n")

    def settings(self, instance_name):
        """The configuration keys that put one instance on this database."""
        return {"database_url": self.url, "database_password_file": str(self.password_file),
                "instance_name": instance_name}

    def sql(self, statement):
        """One statement as the cluster's superuser; rows as strings, `|` between columns."""
        return self.cluster.sql(statement, database=self.name)

    def attempts_by_instance(self):
        """{instance name: attempts it recorded}: who sent what."""
        rows = self.sql("SELECT instance, count(*) FROM attempt GROUP BY instance ORDER BY instance")
        return {name: int(count) for name, count in (row.split("|") for row in rows)}


def start_together(daemons, clock_start, clock_rate=1, ready_timeout=60):
    """Launches every daemon, then waits for each: their clocks start within a fraction of a second."""
    for daemon in daemons:
        daemon.launch(clock_start, clock_rate)
    for daemon in daemons:
        daemon.wait_ready(clock_start, clock_rate, ready_timeout)
    return daemons


def instances_with_fanout(daemons, receiver, count, due, lead_seconds):
    """`count` signed `generic` webhook subscriptions whose reminders are all due at `due`, imported
    through the first instance on a clock an hour early; then every instance is started on a
    clock `lead_seconds` before `due`. Returns the routes.

    The import is over before anything is due however slow the machine, as in harness/fanout.py.
    """
    first = daemons[0]
    first.start(due - dt.timedelta(hours=1), 1)
    routes = bulk_subscribe(first, receiver, count, offsets="1h", format="generic", secret=SECRET)
    assert first.delivery_counts() == {"scheduled": count}
    assert first.stop() == 0, f"the importing instance did not stop cleanly:\n{first.log()[-3000:]}"
    # All at once, with new clock flags: the importing instance's earlier life, which anchored the
    # old clock, does not hold it once stopped, and the others' starts do not count as running it.
    start_together(daemons, due - dt.timedelta(seconds=lead_seconds), 1)
    late = [d for d in daemons if d.clock.now() >= due]
    assert not late, f"{len(late)} instances started after the due time"
    return routes

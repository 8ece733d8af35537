import Foundation
import GRDB

/// The schema, as named append-only migrations. A shipped migration is never edited: add a new one.
///
/// Times are integer milliseconds since 1970 (UTC).
enum SchemaMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-concerts-subscriptions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE concert (
                        id TEXT PRIMARY KEY NOT NULL,
                        origin TEXT NOT NULL CHECK (origin IN ('catalog', 'admin')),
                        revision INTEGER NOT NULL DEFAULT 1,
                        status TEXT NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
                        starts_at INTEGER NOT NULL,
                        ends_at INTEGER NOT NULL,
                        reminder_deadline INTEGER NOT NULL,
                        time_announced INTEGER NOT NULL,
                        body TEXT NOT NULL,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE TABLE concert_city (
                        city_id TEXT NOT NULL,
                        concert_id TEXT NOT NULL REFERENCES concert(id) ON DELETE CASCADE,
                        PRIMARY KEY (city_id, concert_id)
                    ) WITHOUT ROWID;

                    CREATE TABLE subscription (
                        id TEXT PRIMARY KEY NOT NULL,
                        channel TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
                        target TEXT NOT NULL,
                        format TEXT,
                        secret TEXT,
                        destination TEXT NOT NULL,
                        cities TEXT NOT NULL,
                        offsets TEXT NOT NULL,
                        lang TEXT NOT NULL CHECK (lang IN ('ko', 'en')),
                        label TEXT,
                        state TEXT NOT NULL CHECK (state IN ('active', 'paused', 'disabled', 'removed')),
                        state_reason TEXT,
                        created_at INTEGER NOT NULL,
                        updated_at INTEGER NOT NULL
                    );
                    CREATE TABLE subscription_city (
                        city_id TEXT NOT NULL,
                        subscription_id TEXT NOT NULL REFERENCES subscription(id) ON DELETE CASCADE,
                        PRIMARY KEY (city_id, subscription_id)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v2-delivery-outbox") { db in
            try db.execute(
                sql: """
                    CREATE TABLE delivery (
                        id INTEGER PRIMARY KEY,
                        subscription_id TEXT NOT NULL REFERENCES subscription(id),
                        concert_id TEXT NOT NULL REFERENCES concert(id),
                        concert_revision INTEGER NOT NULL,
                        kind TEXT NOT NULL CHECK (kind IN
                            ('reminder', 'confirmation', 'change', 'cancellation', 'new_concert', 'test')),
                        offset_seconds INTEGER NOT NULL DEFAULT 0,
                        due_at INTEGER NOT NULL,
                        deadline_at INTEGER,
                        state TEXT NOT NULL CHECK (state IN
                            ('scheduled', 'sending', 'sent', 'retrying', 'failed', 'skipped')),
                        reason TEXT,
                        attempts INTEGER NOT NULL DEFAULT 0,
                        next_attempt_at INTEGER,
                        last_error TEXT,
                        idempotency_key TEXT NOT NULL,
                        detail TEXT,
                        created_at INTEGER NOT NULL,
                        finished_at INTEGER
                    );
                    CREATE UNIQUE INDEX delivery_identity
                        ON delivery(subscription_id, concert_id, concert_revision, kind, offset_seconds)
                        WHERE kind <> 'test';
                    CREATE INDEX delivery_pending ON delivery(next_attempt_at)
                        WHERE state IN ('scheduled', 'retrying');
                    CREATE INDEX delivery_sending ON delivery(id) WHERE state = 'sending';
                    CREATE INDEX delivery_by_concert ON delivery(concert_id, state);

                    CREATE TABLE attempt (
                        delivery_id INTEGER NOT NULL REFERENCES delivery(id) ON DELETE CASCADE,
                        number INTEGER NOT NULL,
                        started_at INTEGER NOT NULL,
                        finished_at INTEGER,
                        outcome TEXT NOT NULL,
                        detail TEXT,
                        PRIMARY KEY (delivery_id, number)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v3-running-counters") { db in
            // Counts kept by triggers so that `status` never counts rows (COUNT(*) over millions of
            // deliveries takes hundreds of milliseconds).
            try db.execute(
                sql: """
                    CREATE INDEX subscription_by_target ON subscription(target);
                    CREATE INDEX delivery_retrying ON delivery(subscription_id, concert_id) WHERE state = 'retrying';

                    CREATE TABLE counter (
                        name TEXT PRIMARY KEY NOT NULL,
                        value INTEGER NOT NULL DEFAULT 0
                    ) WITHOUT ROWID;
                    INSERT INTO counter (name, value)
                        SELECT 'delivery.' || state, COUNT(*) FROM delivery GROUP BY state;
                    INSERT INTO counter (name, value)
                        SELECT 'subscription.' || state, COUNT(*) FROM subscription GROUP BY state;

                    CREATE TRIGGER delivery_counted_insert AFTER INSERT ON delivery BEGIN
                        INSERT INTO counter (name, value) VALUES ('delivery.' || NEW.state, 1)
                            ON CONFLICT (name) DO UPDATE SET value = value + 1;
                    END;
                    CREATE TRIGGER delivery_counted_update AFTER UPDATE OF state ON delivery
                    WHEN OLD.state <> NEW.state BEGIN
                        UPDATE counter SET value = value - 1 WHERE name = 'delivery.' || OLD.state;
                        INSERT INTO counter (name, value) VALUES ('delivery.' || NEW.state, 1)
                            ON CONFLICT (name) DO UPDATE SET value = value + 1;
                    END;
                    CREATE TRIGGER delivery_counted_delete AFTER DELETE ON delivery BEGIN
                        UPDATE counter SET value = value - 1 WHERE name = 'delivery.' || OLD.state;
                    END;
                    CREATE TRIGGER subscription_counted_insert AFTER INSERT ON subscription BEGIN
                        INSERT INTO counter (name, value) VALUES ('subscription.' || NEW.state, 1)
                            ON CONFLICT (name) DO UPDATE SET value = value + 1;
                    END;
                    CREATE TRIGGER subscription_counted_update AFTER UPDATE OF state ON subscription
                    WHEN OLD.state <> NEW.state BEGIN
                        UPDATE counter SET value = value - 1 WHERE name = 'subscription.' || OLD.state;
                        INSERT INTO counter (name, value) VALUES ('subscription.' || NEW.state, 1)
                            ON CONFLICT (name) DO UPDATE SET value = value + 1;
                    END;
                    """)
        }
        migrator.registerMigration("v4-lean-bulk-inserts") { db in
            // A statement that may abort half-way makes SQLite keep a statement journal (a copy of
            // every page it touches), and a trigger makes every insert one: a bulk import would copy
            // every page it writes. Inserts are counted by the code that makes them
            // (`Counters.add`), the bulk import once for all its rows; updates and deletes stay
            // counted by their triggers.
            //
            // The idempotency key is derived from the row's identity (`Delivery.idempotencyKey`), so it is
            // no longer stored: about 45 bytes for every one of millions of rows. A test message's
            // key becomes `test_<subscription>_<id>`.
            try db.execute(
                sql: """
                    DROP TRIGGER delivery_counted_insert;
                    DROP TRIGGER subscription_counted_insert;
                    ALTER TABLE delivery DROP COLUMN idempotency_key;
                    """)
        }
        migrator.registerMigration("v5-lean-state-changes") { db in
            // Every delivery changes state twice (to `sending`, then to `sent`), and each change
            // ran two trigger statements and moved the row in `delivery_by_concert`, an index on
            // (concert, state): most of a fan-out's outbox work. The scheduler's store functions
            // (`claim`, `record`, `recoverInterruptedSends`), the only ones that move rows
            // into or out of `sending`, count those moves once per transaction instead; the
            // concert index leaves `state` out (its readers, a concert's notices and its pending
            // rows at a change, are rare admin requests).
            try db.execute(
                sql: """
                    DROP INDEX delivery_by_concert;
                    CREATE INDEX delivery_by_concert ON delivery(concert_id, concert_revision, kind);
                    DROP TRIGGER delivery_counted_update;
                    CREATE TRIGGER delivery_counted_update AFTER UPDATE OF state ON delivery
                    WHEN OLD.state <> NEW.state AND OLD.state <> 'sending' AND NEW.state <> 'sending' BEGIN
                        UPDATE counter SET value = value - 1 WHERE name = 'delivery.' || OLD.state;
                        INSERT INTO counter (name, value) VALUES ('delivery.' || NEW.state, 1)
                            ON CONFLICT (name) DO UPDATE SET value = value + 1;
                    END;
                    """)
        }
        migrator.registerMigration("v6-checks-without-in-lists") { db in
            // SQLite checks `state IN ('scheduled', …)` by building a temporary b-tree of the list
            // at every statement that writes the column, a cost on each of the two state changes
            // of every send (BENCHMARKS.md). The same checks written as `state = 'scheduled' OR …` compare in
            // place. SQLite cannot alter a CHECK, and copying the outbox into a new table would
            // take minutes on a large one, so the table definitions are rewritten in place by the
            // procedure SQLite documents for removing a CHECK (lang_altertable.html, "otheralter"),
            // here swapping each for an equivalent one that every row already satisfies.
            try CheckConstraintRewrite.rewriteInLists(db, tables: ["concert", "subscription", "delivery"])
        }
        migrator.registerMigration("v7-normalized-webhook-targets") { db in
            // A webhook's target is compared to find the same channel subscribed twice; stored as
            // typed, `HTTP://host` and `http://host:80` were two channels that got every message
            // twice. Stored rows take the normal form new ones get; rows that become equal become
            // twins, whose messages are then sent once.
            // Only the rows that change are held: most URLs are typed in normal form already.
            var changed: [(id: String, target: String)] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT id, target FROM subscription WHERE channel = 'webhook'")
            while let row = try rows.next() {
                let target: String = row[1]
                let normalized = WebhookURL.normalized(target)
                if normalized != target { changed.append((row[0], normalized)) }
            }
            for (id, target) in changed {
                try db.execute(
                    sql: "UPDATE subscription SET target = ?, destination = ? WHERE id = ?",
                    arguments: [target, WebhookURL.destination(of: target) ?? target, id])
            }
        }
        migrator.registerMigration("v8-subscription-source") { db in
            // How each subscription was made, for the metrics' `concertd_subscriptions{state,source}`:
            // `control` (one subscribe), `import` (bulk), and `web` reserved for the web front
            // door. Rows made before cannot tell which, so they are `unknown` rather than guessed;
            // adding a column with a default rewrites no row. Counted per source and state in
            // `counter` (`subscription_source.import.active`) so a scrape never counts rows:
            // inserts by the code that makes them, state changes by a trigger, as for
            // `subscription.<state>`. The CHECK is written without an IN list (see v6).
            try db.execute(
                sql: """
                    ALTER TABLE subscription ADD COLUMN source TEXT NOT NULL DEFAULT 'unknown'
                        CHECK (source = 'control' OR source = 'import' OR source = 'web' OR source = 'unknown');
                    INSERT INTO counter (name, value)
                        SELECT 'subscription_source.unknown.' || state, COUNT(*) FROM subscription GROUP BY state;
                    CREATE TRIGGER subscription_source_counted_update AFTER UPDATE OF state ON subscription
                    WHEN OLD.state <> NEW.state BEGIN
                        UPDATE counter SET value = value - 1
                            WHERE name = 'subscription_source.' || OLD.source || '.' || OLD.state;
                        INSERT INTO counter (name, value) VALUES ('subscription_source.' || NEW.source || '.' || NEW.state, 1)
                            ON CONFLICT (name) DO UPDATE SET value = value + 1;
                    END;
                    """)
        }
        migrator.registerMigration("v9-finished-delivery-totals") { db in
            // Every delivery that reached a final state, counted once and never taken back, by
            // state, kind and channel (`finished.skipped.reminder.slack`), for the metrics'
            // `concertd_deliveries_total`: a scrape and a start read these few rows, never the
            // outbox. A resume or a retry moves a row out of `skipped` or `failed` again; the
            // totals keep what happened. The scheduler's records (`sending` to a final state)
            // count in code with the rest of a transaction's moves (v5); every other move into a
            // final state (a pause, a cancelled concert, a superseded or duplicate reminder) by
            // this trigger. Rows finished before are counted once, here.
            try db.execute(
                sql: """
                    CREATE TRIGGER delivery_finished_counted AFTER UPDATE OF state ON delivery
                    WHEN OLD.state <> NEW.state AND OLD.state <> 'sending'
                        AND (NEW.state = 'sent' OR NEW.state = 'failed' OR NEW.state = 'skipped') BEGIN
                        INSERT INTO counter (name, value) VALUES (
                            'finished.' || NEW.state || '.' || NEW.kind || '.' || COALESCE(
                                (SELECT CASE channel WHEN 'email' THEN 'email' ELSE format END
                                 FROM subscription WHERE id = NEW.subscription_id), 'unknown'), 1)
                            ON CONFLICT (name) DO UPDATE SET value = value + 1;
                    END;
                    INSERT INTO counter (name, value)
                        SELECT 'finished.' || d.state || '.' || d.kind || '.'
                                || COALESCE(CASE s.channel WHEN 'email' THEN 'email' ELSE s.format END, 'unknown'),
                            SUM(d.n)
                        FROM (SELECT state, kind, subscription_id, COUNT(*) AS n FROM delivery
                              WHERE state = 'sent' OR state = 'failed' OR state = 'skipped'
                              GROUP BY subscription_id, state, kind) d
                        LEFT JOIN subscription s ON s.id = d.subscription_id
                        GROUP BY 1;
                    """)
        }
        migrator.registerMigration("v10-web-front-door") { db in
            // The web front door's own state, in the database so that several daemons on one
            // database share it: requests waiting for their confirmation (double opt-in: no
            // subscription, nothing scheduled, until then; pruned after `expires_at` by later
            // writes), the keys that sign its tokens (rotated, old ones kept while their links
            // still work), the counts of its rate limits by fixed window (keys are keyed hashes:
            // no address is kept), and which subscription an undo of a removal made.
            try db.execute(
                sql: """
                    CREATE TABLE web_request (
                        id TEXT PRIMARY KEY NOT NULL,
                        channel TEXT NOT NULL CHECK (channel = 'email' OR channel = 'webhook'),
                        target TEXT NOT NULL,
                        format TEXT,
                        cities TEXT NOT NULL,
                        offsets TEXT NOT NULL,
                        lang TEXT NOT NULL CHECK (lang = 'ko' OR lang = 'en'),
                        created_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL,
                        subscription_id TEXT REFERENCES subscription(id)
                    );
                    CREATE INDEX web_request_expiry ON web_request(expires_at);
                    CREATE TABLE web_token_key (
                        id INTEGER PRIMARY KEY NOT NULL,
                        secret BLOB NOT NULL,
                        created_at INTEGER NOT NULL
                    );
                    CREATE TABLE web_rate_count (
                        key TEXT NOT NULL,
                        window_end INTEGER NOT NULL,
                        count INTEGER NOT NULL,
                        PRIMARY KEY (key, window_end)
                    ) WITHOUT ROWID;
                    CREATE TABLE web_undo (
                        removed_id TEXT PRIMARY KEY NOT NULL REFERENCES subscription(id),
                        restored_id TEXT NOT NULL REFERENCES subscription(id)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v11-pending-by-subscription") { db in
            // Removing, pausing or changing one subscription skips its pending messages: found by
            // subscription here, rather than by reading every pending message (millions at scale).
            try db.execute(
                sql: """
                    CREATE INDEX delivery_pending_by_subscription ON delivery(subscription_id)
                        WHERE state IN ('scheduled', 'retrying');
                    """)
        }
        migrator.registerMigration("v12-subscription-position") { _ in
            // A subscription's place in the order of creation (`ListingPosition.Subscription`) is
            // its `rowid` here; PostgreSQL, which has none, adds a column for it.
        }
        migrator.registerMigration("v13-deliveries-by-subscription") { db in
            // One subscription's rows by its id, whatever their state: an index partial on `state`
            // is written each time a send moves its row (scheduled → sending → its outcome), which
            // v11's was; one on `subscription_id` alone is written only when a row is inserted.
            try db.execute(
                sql: """
                    DROP INDEX delivery_pending_by_subscription;
                    CREATE INDEX delivery_by_subscription ON delivery(subscription_id);
                    """)
        }
        migrator.registerMigration("v14-catalog-in-force-and-clock-anchor") { db in
            // The catalog in force (`ConcertStore.catalogInForce`), written by every catalog import.
            // No clock anchor: a SQLite file serves one daemon, and each start anchors its own
            // clock (`StoreMaintenance.anchorClock`); PostgreSQL adds `clock_anchor`.
            try db.execute(
                sql: """
                    CREATE TABLE catalog_in_force (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        version TEXT NOT NULL,
                        body TEXT NOT NULL,
                        taken_at INTEGER NOT NULL,
                        taken_by TEXT
                    );
                    """)
        }
        return migrator
    }
}

/// Rewrites the `CHECK (column IN ('a', 'b'))` constraints of tables as `CHECK (column = 'a' OR
/// column = 'b')`, through `writable_schema` (https://sqlite.org/lang_altertable.html, "making
/// other kinds of table schema changes"). The two forms accept the same values.
///
/// SQLite's steps, inside the migration's transaction: read `schema_version`; `writable_schema`
/// on; update the definitions; bump `schema_version`; `writable_schema` off; `integrity_check`;
/// commit. `writable_schema` is turned off again on every path, a failure included (it belongs to
/// the connection and outlives the rolled-back transaction), and an integrity problem found after
/// the rewrite is thrown, so the migration's transaction rolls back and the file stays as it was.
enum CheckConstraintRewrite {
    static func rewriteInLists(_ db: Database, tables: [String]) throws {
        let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try withWritableSchema(db) {
            for table in tables {
                guard
                    let sql = try String.fetchOne(
                        db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?", arguments: [table])
                else { throw StoreError(.cannotOpen, "the table \(table) is missing") }
                let rewritten = try rewrite(sql)
                try db.execute(
                    sql: "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = ?",
                    arguments: [rewritten, table])
            }
            try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
        }
        db.clearSchemaCache()
        // Only the rewritten tables (their rows against the new constraints, their indexes): the
        // rest of the file was not touched, and a whole-file check of a large outbox takes minutes.
        for table in tables {
            let problems = try String.fetchAll(db, sql: "PRAGMA integrity_check(\(table.quotedDatabaseIdentifier))")
            guard problems == ["ok"] else {
                throw StoreError(
                    .cannotOpen,
                    "the rewritten CHECK constraints of \(table) fail SQLite's integrity check, so nothing was "
                        + "changed: \(problems.prefix(5).joined(separator: "; "))")
            }
        }
    }

    /// Runs `body` with `PRAGMA writable_schema = ON`, and turns it off again however `body` ends.
    private static func withWritableSchema(_ db: Database, _ body: () throws -> Void) throws {
        try db.execute(sql: "PRAGMA writable_schema = ON")
        do {
            try body()
        } catch {
            do {
                try db.execute(sql: "PRAGMA writable_schema = OFF")
            } catch let resetError {
                throw StoreError(
                    .cannotOpen, "\(error); and writable_schema could not be turned off again: \(resetError)")
            }
            throw error
        }
        try db.execute(sql: "PRAGMA writable_schema = OFF")
    }

    /// `sql` with each `CHECK (name IN ('a', …))` written as an `OR` of equalities; throws when a
    /// CHECK of another shape is met, rather than guess.
    static func rewrite(_ sql: String) throws -> String {
        var result = ""
        var rest = Substring(sql)
        while let check = rest.range(of: "CHECK (") {
            result += rest[..<check.upperBound]
            rest = rest[check.upperBound...]
            guard let close = rest.range(of: "))") else { throw unexpected(sql) }
            let body = rest[..<close.lowerBound]
            let parts = body.split(separator: " IN", maxSplits: 1)
            guard parts.count == 2, let open = parts[1].firstIndex(of: "(") else { throw unexpected(sql) }
            let column = parts[0].trimmingCharacters(in: .whitespaces)
            let values = parts[1][parts[1].index(after: open)...].split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            guard !column.isEmpty, column.allSatisfy({ $0.isLetter || $0 == "_" }), !values.isEmpty,
                values.allSatisfy({ $0.count >= 2 && $0.hasPrefix("'") && $0.hasSuffix("'") })
            else { throw unexpected(sql) }
            result += values.map { "\(column) = \($0)" }.joined(separator: " OR ") + ")"
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    private static func unexpected(_ sql: String) -> StoreError {
        StoreError(.cannotOpen, "cannot rewrite the CHECK constraints of: \(sql)")
    }
}

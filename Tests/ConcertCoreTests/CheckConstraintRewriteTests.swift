import Foundation
import GRDB
import Testing

@testable import ConcertCore

/// Schema v6 writes the CHECK constraints as `OR` chains: SQLite built a temporary b-tree for
/// every `IN (…)` list at each write of the column.
@Suite struct CheckConstraintRewriteTests {
    @Test func inListsBecomeOrChainsOfTheSameValues() throws {
        let sql = """
            CREATE TABLE t (
                a TEXT NOT NULL CHECK (a IN ('x', 'y')),
                b INTEGER,
                state TEXT NOT NULL CHECK (state IN
                    ('one', 'two_2', 'three'))
            )
            """
        #expect(
            try CheckConstraintRewrite.rewrite(sql) == """
                CREATE TABLE t (
                    a TEXT NOT NULL CHECK (a = 'x' OR a = 'y'),
                    b INTEGER,
                    state TEXT NOT NULL CHECK (state = 'one' OR state = 'two_2' OR state = 'three')
                )
                """)
        #expect(try CheckConstraintRewrite.rewrite("CREATE TABLE u (a TEXT)") == "CREATE TABLE u (a TEXT)")
    }

    @Test func aCheckOfAnotherShapeIsRefusedRatherThanGuessed() {
        #expect(throws: StoreError.self) { try CheckConstraintRewrite.rewrite("CREATE TABLE t (a INT CHECK (a > 0))") }
        #expect(throws: StoreError.self) {
            try CheckConstraintRewrite.rewrite("CREATE TABLE t (a TEXT CHECK (a IN (SELECT x FROM y)))")
        }
    }

    @Test func aDatabaseOfSchemaV5StillRefusesWhatItRefusedAndKeepsItsRows() throws {
        let path = try SQLiteMigrationTests.olderDatabase(upTo: "v5-lean-state-changes")
        let database = try AppDatabase.open(path: path)
        #expect(try database.subscription(id: "sub-old")?.state == .active)
        try database.writer.write { db in
            let tables = try String.fetchAll(
                db, sql: "SELECT sql FROM sqlite_schema WHERE name IN ('concert', 'subscription', 'delivery')")
            #expect(tables.count == 3)
            for sql in tables {
                #expect(!sql.contains(" IN (") && !sql.contains(" IN\n"), "\(sql)")
                #expect(sql.contains("CHECK"))
            }
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            // Every value the old lists allowed is still allowed, and nothing else.
            for state in Subscription.State.allCases {
                try db.execute(
                    sql: "UPDATE subscription SET state = ? WHERE id = 'sub-old'", arguments: [state.rawValue])
            }
            for bad in ["gone", "", "Active"] {
                #expect(throws: DatabaseError.self) {
                    try db.execute(sql: "UPDATE subscription SET state = ? WHERE id = 'sub-old'", arguments: [bad])
                }
            }
            #expect(throws: DatabaseError.self) {
                try db.execute(sql: "UPDATE subscription SET lang = 'fr' WHERE id = 'sub-old'")
            }
        }
    }

    @Test func aStateChangeOfADeliveryBuildsNoTemporaryTable() throws {
        let database = try AppDatabase.inMemory()
        let opcodes = try database.writer.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "EXPLAIN UPDATE delivery SET state = 'sending', attempts = attempts + 1 WHERE id = ? AND state = ?",
                arguments: [1, "scheduled"]
            ).map { $0["opcode"] as String }
        }
        #expect(opcodes.contains("Halt"))
        #expect(!opcodes.contains("OpenEphemeral"))
    }
}

/// SQLite's procedure for editing `sqlite_schema` on every path: `writable_schema` is off again
/// after a failure, nothing of a failed rewrite is committed, and `integrity_check` runs before
/// the commit.
@Suite struct CheckConstraintRewriteFailureTests {
    /// The definition of `subscription` with a CHECK the rewrite does not know, as a hand edit or
    /// another tool could leave it.
    static let subscriptionWithAnotherCheck = """
        CREATE TABLE subscription (
            id TEXT PRIMARY KEY NOT NULL, channel TEXT NOT NULL CHECK (length(channel) > 0),
            target TEXT NOT NULL, format TEXT, secret TEXT, destination TEXT NOT NULL, cities TEXT NOT NULL,
            offsets TEXT NOT NULL, lang TEXT NOT NULL, label TEXT, state TEXT NOT NULL, state_reason TEXT,
            created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)
        """

    /// A schema-v5 database, its `subscription` definition replaced by `subscription` when given,
    /// then `rows` run with CHECK constraints ignored.
    func damagedV5Database(subscription: String? = nil, rows: String? = nil) throws -> DatabaseQueue {
        let queue = try DatabaseQueue(path: try SQLiteMigrationTests.olderDatabase(upTo: "v5-lean-state-changes"))
        if let subscription {
            try queue.writeWithoutTransaction { db in
                let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
                try db.execute(sql: "PRAGMA writable_schema = ON")
                try db.execute(
                    sql: "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'subscription'",
                    arguments: [subscription])
                try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
                try db.execute(sql: "PRAGMA writable_schema = OFF")
            }
        }
        if let rows {
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
                try db.execute(sql: rows)
                try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
            }
        }
        return queue
    }

    func schema(_ queue: DatabaseQueue) throws -> [String] {
        try queue.read { db in
            try String.fetchAll(db, sql: "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY name")
        }
    }

    /// Runs the rewrite of v6 in a transaction, as the migrator does; returns the error it threw.
    func rewriteFails(_ queue: DatabaseQueue) throws -> (any Error)? {
        do {
            try queue.inTransaction { db in
                try CheckConstraintRewrite.rewriteInLists(db, tables: ["concert", "subscription", "delivery"])
                return .commit
            }
            return nil
        } catch {
            return error
        }
    }

    @Test func aCheckOfUnexpectedShapeMidRewriteLeavesWritableSchemaOffAndTheSchemaUnchanged() throws {
        // `concert` is rewritten first; `subscription` then fails.
        let queue = try damagedV5Database(subscription: Self.subscriptionWithAnotherCheck)
        let before = try schema(queue)
        let error = try #require(try rewriteFails(queue))
        #expect("\(error)".contains("cannot rewrite the CHECK constraints"))
        let (writable, integrity) = try queue.inDatabase { db in
            (
                try Int.fetchOne(db, sql: "PRAGMA writable_schema"),
                try String.fetchOne(db, sql: "PRAGMA integrity_check")
            )
        }
        #expect(writable == 0)
        #expect(integrity == "ok")
        #expect(try schema(queue) == before, "the concert table's rewrite was rolled back too")
    }

    @Test func anIntegrityProblemAfterTheRewriteRollsItBack() throws {
        // A row the constraints refuse, written while they were ignored: integrity_check finds it.
        let queue = try damagedV5Database(
            rows: """
                INSERT INTO concert (id, origin, status, starts_at, ends_at, reminder_deadline, time_announced, body,
                    created_at, updated_at)
                VALUES ('x', 'elsewhere', 'scheduled', 0, 0, 0, 1, '{}', 0, 0)
                """)
        let before = try schema(queue)
        let error = try #require(try rewriteFails(queue))
        #expect("\(error)".contains("integrity check") && "\(error)".contains("concert"))
        #expect(try queue.inDatabase { db in try Int.fetchOne(db, sql: "PRAGMA writable_schema") } == 0)
        #expect(try schema(queue) == before)
    }

    @Test func aFailedMigrationRefusesToOpenTheDatabaseAndSaysItWasRolledBack() throws {
        let queue = try damagedV5Database(subscription: Self.subscriptionWithAnotherCheck)
        let path = queue.path
        try queue.close()
        let error = #expect(throws: StoreError.self) { _ = try AppDatabase.open(path: path) }
        #expect(error?.isTemporary == false)
        #expect(error?.message.contains("rolled back, the database is unchanged") == true)
        let reopened = try DatabaseQueue(path: path)
        #expect(try reopened.read { db in try SchemaMigrations.migrator.appliedIdentifiers(db) }.count == 5)
    }
}

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
        let path = try StoreMigrationTests.olderDatabase(upTo: "v5-lean-state-changes")
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

import ConcertCore
import Foundation
import PostgresTestSupport
import Testing

@testable import ConcertPostgres

/// The libpq connection against a real PostgreSQL 15 server (a throwaway cluster of this test process).
@Suite(.timeLimit(.minutes(2)))
struct PostgresConnectionTests {
    func connect() async throws -> PostgresConnection {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        return try PostgresConnection(PostgresSettings(url: url))
    }

    @Test func arraysForUnnestRoundTripEveryCharacterAndNull() async throws {
        let connection = try await connect()
        let texts: [String?] = [
            "plain", "with \"quotes\"", "back\\slash", "a,b", "{braces}", "", nil, "NULL", " spaced ", "서울\n둘째 줄",
        ]
        let rows = try connection.query(
            "SELECT t, t IS NULL FROM unnest($1::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n", [.array(texts)])
        #expect(rows.map { rows.optionalText($0, 0) } == texts)
        let numbers: [Int64?] = [1, nil, -9_223_372_036_854_775_808, 0]
        let numberRows = try connection.query(
            "SELECT i FROM unnest($1::bigint[]) WITH ORDINALITY AS u(i, n) ORDER BY n", [.array(numbers)])
        #expect(numberRows.map { numberRows.optionalInt64($0, 0) } == numbers)
        #expect(try connection.query("SELECT cardinality($1::bigint[])", [.array([Int64?]())]).int(0, 0) == 0)
    }

    @Test func parametersAndColumnsRoundTripEveryKindOfValue() async throws {
        let c = try await connect()
        let text = "부산 \"quoted\" \\ back\tslash\nnew line ☃"
        let rows = try c.query(
            "SELECT $1::bigint, $2::bigint, $3::text, $4::text, $5::boolean, $6::bytea, $7::double precision",
            [
                .integer(Int64.max), .integer(Int64.min), .text(text), .null, true, .bytes(Data([0, 1, 0xfe, 0xff])),
                .double(0.25),
            ])
        #expect(rows.count == 1)
        #expect(rows.int64(0, 0) == Int64.max)
        #expect(rows.int64(0, 1) == Int64.min)
        #expect(rows.text(0, 2) == text)
        #expect(rows.optionalText(0, 3) == nil)
        #expect(rows.isNull(0, 3))
        #expect(rows.bool(0, 4))
        #expect(rows.bytes(0, 5) == Data([0, 1, 0xfe, 0xff]))
        #expect(rows.double(0, 6) == 0.25)
    }

    @Test func aStatementIsPreparedOnceAndReused() async throws {
        let c = try await connect()
        for value in 1...3 { #expect(try c.query("SELECT $1::int + 1", [.integer(value)]).int(0, 0) == value + 1) }
        let prepared = try c.query(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", ["SELECT $1::int + 1"])
        #expect(prepared.int(0, 0) == 1)
    }

    @Test func textWithANulByteIsRefusedBeforeItReachesTheServer() async throws {
        let c = try await connect()
        #expect {
            try c.query("SELECT $1::text", [.text("a\u{0}b")])
        } throws: { ($0 as? PostgresError)?.kind == .invalidValue }
        #expect(c.isUsable)
    }

    @Test func aUniqueViolationIsAConstraintErrorThatDoesNotQuoteTheRow() async throws {
        let c = try await connect()
        try c.execute("CREATE TABLE hook (url text PRIMARY KEY)")
        let secret = "https://hooks.example/T000/very-secret-token"
        try c.query("INSERT INTO hook VALUES ($1)", [.text(secret)])
        do {
            try c.query("INSERT INTO hook VALUES ($1)", [.text(secret)])
            Issue.record("the duplicate was inserted")
        } catch let error as PostgresError {
            #expect(error.kind == .constraint)
            #expect(error.sqlState == "23505")
            #expect(error.constraint == "hook_pkey")
            #expect(!error.description.contains("very-secret-token"), "\(error)")
            #expect(!error.isTemporary)
        }
        #expect(c.isUsable)
    }

    @Test func aTransactionIsRolledBackWhenItsBodyThrows() async throws {
        let c = try await connect()
        try c.execute("CREATE TABLE t (n int)")
        struct Refused: Error {}
        #expect(throws: Refused.self) {
            try c.transaction {
                try c.query("INSERT INTO t VALUES (1)")
                throw Refused()
            }
        }
        #expect(!c.inTransaction)
        try c.transaction { try c.query("INSERT INTO t VALUES (2)") }
        #expect(try c.query("SELECT array_agg(n)::text FROM t").text(0, 0) == "{2}")
    }

    @Test func conflictingRepeatableReadTransactionsFailWithASerializationError() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let a = try PostgresConnection(PostgresSettings(url: url))
        let b = try PostgresConnection(PostgresSettings(url: url))
        try a.execute("CREATE TABLE counter (n int); INSERT INTO counter VALUES (0)")
        do {
            try a.transaction(.repeatableRead) {
                _ = try a.query("SELECT n FROM counter")
                try b.query("UPDATE counter SET n = n + 1")  // committed by b on its own
                try a.query("UPDATE counter SET n = n + 1")
            }
            Issue.record("the conflicting update committed")
        } catch let error as PostgresError {
            #expect(error.kind == .serialization)
            #expect(error.sqlState == "40001")
            #expect(error.isTemporary)
        }
        #expect(a.isUsable && !a.inTransaction)
    }

    @Test func aConnectionWhoseServerProcessIsKilledReportsItLostAndStaysClosed() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let a = try PostgresConnection(PostgresSettings(url: url))
        let b = try PostgresConnection(PostgresSettings(url: url))
        try b.query("SELECT pg_terminate_backend($1)", [.integer(Int64(a.backendPID))])
        #expect {
            try a.query("SELECT 1")
        } throws: { ($0 as? PostgresError)?.kind == .connectionLost && ($0 as? PostgresError)?.isTemporary == true }
        #expect(!a.isUsable)
        #expect { try a.query("SELECT 1") } throws: { ($0 as? PostgresError)?.kind == .connectionLost }
    }

    @Test func copyInsertsRowsWithEveryCharacterCOPYEscapes() async throws {
        let c = try await connect()
        try c.execute("CREATE TABLE t (id bigint, label text, blob bytea)")
        let labels = ["tab\there", "line\nbreak", "back\\slash", "cr\rreturn", "\\N", "평범한"]
        let copied = try c.copyIn("COPY t (id, label, blob) FROM STDIN") { rows in
            for (index, label) in labels.enumerated() {
                try rows.append([.integer(Int64(index)), .text(label), .bytes(Data([UInt8(index), 0x5c]))])
            }
            try rows.append([.integer(99), .null, .null])
            for index in 100..<20_100 { try rows.append([.integer(Int64(index)), .text("row \(index)"), .null]) }
        }
        #expect(copied == labels.count + 1 + 20_000)
        let rows = try c.query("SELECT id, label, blob FROM t WHERE id < 100 ORDER BY id")
        #expect(rows.map { rows.optionalText($0, 1) } == labels + [nil])
        #expect(rows.bytes(2, 2) == Data([2, 0x5c]))
    }

    @Test func aCopyWhoseProducerFailsInsertsNothing() async throws {
        let c = try await connect()
        try c.execute("CREATE TABLE t (id bigint)")
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try c.copyIn("COPY t FROM STDIN") { rows in
                for index in 0..<50_000 { try rows.append([.integer(Int64(index))]) }
                throw Stop()
            }
        }
        #expect(c.isUsable)
        #expect(try c.query("SELECT count(*) FROM t").int(0, 0) == 0)
    }

    @Test func aRoleWithAPasswordConnectsOnlyWithItAndTheErrorNeverShowsIt() async throws {
        let cluster = try await ThrowawayPostgres.shared()
        var url = try await cluster.makeDatabase()
        let password = "s3cret-\(UUID().uuidString.prefix(8))"
        try await cluster.createRole("pw_user", password: password)
        url.user = "pw_user"
        let connected = try PostgresConnection(PostgresSettings(url: url, password: Secret(password)))
        #expect(try connected.query("SELECT current_user").text(0, 0) == "pw_user")
        for wrong in [nil, Secret("not-" + password)] {
            do {
                _ = try PostgresConnection(PostgresSettings(url: url, password: wrong))
                Issue.record("connected with password \(String(describing: wrong))")
            } catch let error as PostgresError {
                // Only a person can mend it: a start stops (78) rather than being retried.
                #expect(error.kind == .loginRefused, "\(error)")
                #expect(!error.isTemporary)
                // No password: libpq's own refusal, with no SQLSTATE; a wrong one: the server's.
                #expect(error.sqlState == (wrong == nil ? nil : "28P01"), "\(error)")
                #expect(error.message.contains("password"), "\(error)")
                #expect(!error.message.contains(password))
            }
        }
    }

    /// The server's refusal of a login is told apart by its SQLSTATE (the same in every
    /// language the server speaks), not by its words: an unknown role, a database that does not
    /// exist. The message reads as libpq's default one, without the code after the severity.
    @Test func aLoginTheServerRefusesIsLoginRefusedWithItsSQLState() async throws {
        let cluster = try await ThrowawayPostgres.shared()
        let url = try await cluster.makeDatabase()
        var noRole = url
        noRole.user = "nobody_such_role"
        var noDatabase = url
        noDatabase.database = "no_such_database"
        for (target, state, words) in [
            (noRole, "28000", "nobody_such_role"), (noDatabase, "3D000", "no_such_database"),
        ] {
            do {
                _ = try PostgresConnection(PostgresSettings(url: target))
                Issue.record("connected to \(target)")
            } catch let error as PostgresError {
                #expect(error.kind == .loginRefused, "\(error)")
                #expect(error.sqlState == state, "\(error)")
                #expect(error.message.contains(words), "\(error)")
                #expect(!error.message.contains("\(state):"), "\(error)")
                #expect(!error.message.contains("LOCATION"), "\(error)")
            }
        }
    }

    @Test func theSQLStateOfAVerboseConnectionMessageIsFoundAndTakenOut() {
        let text = """
            connection to server at "127.0.0.1", port 5432 failed: FATAL:  28P01: password authentication failed for user "u"
            LOCATION:  auth_failed, auth.c:326

            """
        #expect(PostgresConnection.startupSQLState(in: text) == "28P01")
        #expect(
            PostgresConnection.withoutSQLState(text)
                == #"connection to server at "127.0.0.1", port 5432 failed: FATAL:  password authentication failed for user "u""#
        )
        #expect(PostgresConnection.startupSQLState(in: "connection refused\n\tIs the server running") == nil)
        #expect(PostgresError.kind(ofStartupSQLState: "53300") == .unavailable)
        #expect(PostgresError.kind(ofStartupSQLState: "57P03") == .connectionLost)
    }

    /// The database is named as everywhere else, `postgresql://HOST:PORT/NAME`: not the user nor
    /// the TLS settings of the URL as written.
    @Test func aServerThatIsNotThereIsAConnectionErrorNamingTheDatabase() async throws {
        let port = try await ThrowawayPostgres.shared().closedPort()
        let url = try DatabaseURL(parsing: "postgresql://nobody@127.0.0.1:\(port)/none?sslmode=disable")
        do {
            _ = try PostgresConnection(PostgresSettings(url: url))
            Issue.record("connected to a closed port")
        } catch let error as PostgresError {
            #expect(error.kind == .connectionLost)
            #expect(error.message.contains("postgresql://127.0.0.1:\(port)/none:"), "\(error)")
            #expect(!error.message.contains("nobody") && !error.message.contains("sslmode"), "\(error)")
            #expect(error.message.contains("refused"), "\(error)")
        }
    }
}

import Testing

@testable import ConcertCore

@Suite struct DatabaseURLTests {
    @Test(arguments: [
        (
            "postgresql://concertd@db.example.org:6432/reminders",
            DatabaseURL(user: "concertd", host: "db.example.org", port: 6432, database: "reminders"),
            "postgresql://concertd@db.example.org:6432/reminders"
        ),
        ("postgres://db/concertd", DatabaseURL(host: "db", database: "concertd"), "postgresql://db/concertd"),
        (
            "postgresql://me%40corp@[::1]/c?sslmode=verify-full&sslrootcert=/etc/concertd/db-ca.pem",
            DatabaseURL(
                user: "me@corp", host: "::1", database: "c", sslMode: .verifyFull,
                sslRootCert: "/etc/concertd/db-ca.pem"),
            "postgresql://me%40corp@[::1]/c?sslmode=verify-full&sslrootcert=%2Fetc%2Fconcertd%2Fdb-ca.pem"
        ),
        (
            "postgresql://concertd@%2Frun%2Fpostgresql/concertd",
            DatabaseURL(user: "concertd", host: "/run/postgresql", database: "concertd"),
            "postgresql://concertd@%2Frun%2Fpostgresql/concertd"
        ),
    ])
    func serverURLsAreParsedAndWrittenBack(text: String, expected: DatabaseURL, written: String) throws {
        let url = try DatabaseURL(parsing: text)
        #expect(url == expected)
        #expect(url.description == written)
        #expect(try DatabaseURL(parsing: url.description) == url)
    }

    @Test(arguments: [
        ("postgresql://concertd:hunter2@db/c", "must not contain a password"),
        ("postgresql://db/c?password=hunter2", "must not contain a password"),
        ("postgresql://db", "names no database"),
        ("postgresql://db/", "database name after '/' is empty"),
        ("mysql://db/c", "is not postgresql"),
        ("postgresql://db:99999/c", "not a number from 1 to 65535"),
        ("postgresql://db/c?sslmode=sometimes", "sslmode 'sometimes' is not one of disable, allow, prefer"),
        ("postgresql://db/c?sslrootcert=ca.pem", "is not an absolute path"),
        ("postgresql://db/c?connect_timeout=1", "only sslmode and sslrootcert may be given"),
        ("postgresql://db/c?sslmode=require&sslmode=disable", "given twice"),
        ("postgresql://bad_host!/c", "is not a valid host name"),
        ("postgresql://db/a/b", "contains '/'"),
    ])
    func badServerURLsAreRefusedSayingWhy(text: String, reason: String) {
        do {
            let url = try DatabaseURL(parsing: text)
            Issue.record("accepted \(url)")
        } catch {
            #expect(error.message.contains(reason), "\(error.message)")
            #expect(!error.message.contains("hunter2"))
        }
    }
}

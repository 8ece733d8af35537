import Foundation
import GRDB
import Testing

@testable import ConcertCore

/// One webhook written two ways is one channel: the URL is stored in the normal form of RFC 3986
/// §6.2.2–6.2.3 (scheme and host lowercased, hex digits uppercased, unreserved characters decoded,
/// the default port and fragment dropped), its path and query otherwise as typed. What the stores
/// make of it (one channel, refused as the same subscription) is tested on both engines
/// (ConcertPostgresTests, `WebhookURLIdentityStoreTests`).
@Suite(.timeLimit(.minutes(1))) struct WebhookURLIdentityTests {
    let now = Fixtures.korea("2019-10-01T00:00")

    func webhook(_ url: String) throws -> NewSubscription {
        NewSubscription(
            channel: .webhook(url: url, format: "slack", secret: nil), cities: ["busan"],
            offsets: try ReminderOffset.parseList("1d"), language: .ko, label: nil)
    }

    @Test(arguments: [
        ("http://h.example/a/b/c/./../../g", "http://h.example/a/g"),
        ("http://h.example/mid/content=5/../6", "http://h.example/mid/6"),
        ("http://h.example/a/b/..", "http://h.example/a/"),
        ("http://h.example/a/.", "http://h.example/a/"),
        ("http://h.example/..", "http://h.example/"),
        ("http://h.example/a//../b", "http://h.example/a/b"),
        ("http://h.example/a/b//..", "http://h.example/a/b/"),
        ("http://h.example//a//b/../c", "http://h.example//a//c"),
        ("http://h.example/a/..?q=/../x", "http://h.example/?q=/../x"),
        ("http://4294967295/x", "http://255.255.255.255/x"),
        ("http://0/x", "http://0.0.0.0/x"),
        ("http://1.2.3.4.5/x", "http://1.2.3.4.5/x"),
        ("http://08.1.1.1/x", "http://08.1.1.1/x"),
        ("http://4294967296/x", "http://4294967296/x"),
        ("http://0x/x", "http://0x/x"),
        ("http://[::FFFF:1.2.3.4]/x", "http://1.2.3.4/x"),
        ("http://[FE80:0:0:0:1:0:0:1]:8080/x", "http://[fe80::1:0:0:1]:8080/x"),
        ("http://[2001:db8:0:1:1:1:1:1]/x", "http://[2001:db8:0:1:1:1:1:1]/x"),
    ])
    func dotSegmentsAndAddressesTakeTheirNormalForm(typed: String, normal: String) {
        #expect(WebhookURL.normalized(typed) == normal)
    }

    /// libcurl reads `127.0.0.1.` as a host name, which never resolves: refused when subscribed
    /// rather than failing at every send. A name's trailing dot is valid DNS and stays.
    @Test(arguments: ["http://127.0.0.1.:8080/x", "http://127.1./x", "http://0x7f000001./x", "http://2130706433./x"])
    func anAddressWithATrailingDotIsRefused(url: String) throws {
        let problem = try #require(WebhookURL.problem(with: url))
        #expect(problem.contains("trailing dot"))
        #expect(WebhookURL.problem(with: "http://chat.example.org./x") == nil)
    }

    @Test func theNormalFormLowercasesTheSchemeAndHostAndDropsTheDefaultPortAndFragment() {
        #expect(
            WebhookURL.normalized("HTTPS://Hooks.Slack.COM:443/services/T0/B0/Xy?Q=A%7e%2f#frag")
                == "https://hooks.slack.com/services/T0/B0/Xy?Q=A~%2F")
        #expect(WebhookURL.normalized("http://h.example:8080") == "http://h.example:8080/")
    }

    @Test func aDatabaseOfSchemaV6HasItsWebhookTargetsNormalizedOnOpen() throws {
        let path = Fixtures.temporaryDirectory() + "/concertd.sqlite3"
        let queue = try DatabaseQueue(path: path)
        try SchemaMigrations.migrator.migrate(queue, upTo: "v6-checks-without-in-lists")
        try queue.write { db in
            for (id, channel, target, destination) in [
                ("sub-a", "webhook", "http://127.0.0.1:8080/dup/T0", "127.0.0.1:8080"),
                ("sub-b", "webhook", "HTTP://127.0.0.1:8080/dup/T0", "127.0.0.1:8080"),
                ("sub-c", "webhook", "https://Hooks.Example.org:443/Path/X", "hooks.example.org:443"),
                ("sub-d", "email", "a@example.org", "smtp"),
                ("sub-e", "webhook", "http://0x7f000001:8080/dup/x/../T1", "0x7f000001:8080"),
            ] {
                try db.execute(
                    sql: """
                        INSERT INTO subscription (id, channel, target, format, destination, cities, offsets, lang,
                            state, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, 'busan', '86400', 'ko', 'active', 0, 0)
                        """,
                    arguments: [id, channel, target, channel == "webhook" ? "slack" : nil, destination])
            }
        }
        try queue.close()
        let database = try AppDatabase.open(path: path)
        #expect(
            try database.subscription(id: "sub-b")?.channel
                == .webhook(url: "http://127.0.0.1:8080/dup/T0", format: "slack", secret: nil))
        #expect(
            try database.subscription(id: "sub-c")?.channel
                == .webhook(url: "https://hooks.example.org/Path/X", format: "slack", secret: nil))
        #expect(try database.subscription(id: "sub-d")?.channel == .email("a@example.org"))
        #expect(
            try database.subscription(id: "sub-e")?.channel
                == .webhook(url: "http://127.0.0.1:8080/dup/T1", format: "slack", secret: nil))
        let destinations = try database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT destination FROM subscription ORDER BY id")
        }
        #expect(destinations == ["127.0.0.1:8080", "127.0.0.1:8080", "hooks.example.org", "smtp", "127.0.0.1:8080"])
        // The two spellings are now one channel: a third one is refused as the same subscription.
        let error = try #require(throws: StoreError.self) {
            try database.createSubscription(try webhook("http://127.0.0.1:8080/dup/T0"), now: now)
        }
        #expect(error.code == .conflict)
    }
}

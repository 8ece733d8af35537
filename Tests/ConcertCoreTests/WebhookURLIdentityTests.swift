import Foundation
import GRDB
import Testing

@testable import ConcertCore

/// One webhook written two ways is one channel: the URL is stored in the normal form of RFC 3986
/// §6.2.2–6.2.3 (scheme and host lowercased, hex digits uppercased, unreserved characters decoded,
/// the default port and fragment dropped), its path and query otherwise as typed.
@Suite(.timeLimit(.minutes(1))) struct WebhookURLIdentityTests {
    let now = Fixtures.korea("2019-10-01T00:00")

    func database() throws -> AppDatabase {
        let database = try AppDatabase.inMemory()
        try database.importCatalog(Fixtures.catalog, now: now)
        return database
    }

    func webhook(_ url: String) throws -> NewSubscription {
        NewSubscription(
            channel: .webhook(url: url, format: "slack", secret: nil), cities: ["busan"],
            offsets: try ReminderOffset.parseList("1d"), language: .ko, label: nil)
    }

    static let spellings: [(typed: String, twin: String)] = [
        ("http://127.0.0.1:8080/dup/T0/B0/TOK", "HTTP://127.0.0.1:8080/dup/T0/B0/TOK"),
        ("https://hooks.slack.com/services/T0/B0/X", "https://HOOKS.Slack.COM/services/T0/B0/X"),
        ("https://hooks.slack.com/services/T0/B0/X", "https://hooks.slack.com:443/services/T0/B0/X"),
        ("http://chat.example.org/hooks/abc", "http://chat.example.org:80/hooks/abc"),
        ("http://chat.example.org/hooks/abc", "http://chat.example.org:/hooks/abc"),
        ("https://chat.example.org:8443/hooks/abc", "https://chat.example.org:08443/hooks/abc"),
        ("https://chat.example.org/hooks/abc-1~x", "https://chat.example.org/hooks/%61bc%2D1%7ex"),
        ("https://chat.example.org/hooks/a%2Fb?x=%3a", "https://chat.example.org/hooks/a%2fb?x=%3A"),
        ("https://chat.example.org/hooks/abc?Q=1", "https://chat.example.org/hooks/abc?Q=1#top"),
        ("https://chat.example.org", "https://chat.example.org/"),
        ("http://[fe80::ab]:8080/h", "http://[FE80::AB]:8080/h"),
        ("http://127.0.0.1:8080/dup/T0/B0/TOK", "http://127.0.0.1:8080/dup/./T0/B0/TOK"),
        ("http://127.0.0.1:8080/dup/T0/B0/TOK", "http://127.0.0.1:8080/dup/x/../T0/B0/TOK"),
        ("http://127.0.0.1:8080/dup/T0/B0/TOK", "http://127.0.0.1:8080/dup/%2e/T0/%2E%2e/T0/B0/TOK"),
        ("http://127.0.0.1:8080/dup/T0/B0/TOK", "http://127.0.0.1:8080/../dup/T0/B0/TOK"),
        ("http://127.0.0.1:8080/dup/T0/B0/TOK", "http://127.1:8080/dup/T0/B0/TOK"),
        ("http://127.0.0.1:8080/dup/T0/B0/TOK", "http://0x7f000001:8080/dup/T0/B0/TOK"),
        ("http://127.0.0.1:8080/dup/T0/B0/TOK", "http://2130706433:8080/dup/T0/B0/TOK"),
        ("http://127.0.0.1:8080/dup/T0/B0/TOK", "http://0177.0.0.01:8080/dup/T0/B0/TOK"),
        ("http://127.0.0.1:8080/dup/T0/B0/TOK", "http://0X7F.0x0.1:8080/dup/T0/B0/TOK"),
        ("http://127.0.0.1:8080/dup/T0/B0/TOK", "http://%31%32%37.0.0.1:8080/dup/T0/B0/TOK"),
        ("http://127.0.0.1:8080/dup/T0/B0/TOK", "http://[::ffff:127.0.0.1]:8080/dup/T0/B0/TOK"),
        ("http://127.0.0.1:8080/dup/T0/B0/TOK", "http://[0:0:0:0:0:FFFF:7f00:1]:8080/dup/T0/B0/TOK"),
        ("http://[2001:db8::1]/h", "http://[2001:0DB8:0:0:0:0:0:1]/h"),
        ("http://[2001:db8::1:0:0:1]/h", "http://[2001:db8:0:0:1::1]/h"),
    ]

    @Test(arguments: spellings) func aSecondSpellingOfTheSameWebhookIsAConflict(
        pair: (typed: String, twin: String)
    ) throws {
        let database = try database()
        let (first, _) = try database.createSubscription(try webhook(pair.typed), now: now)
        let error = try #require(throws: StoreError.self) {
            try database.createSubscription(try webhook(pair.twin), now: now)
        }
        #expect(error.code == .conflict)
        #expect(error.message.contains(first.id))
    }

    @Test func thePathAndQueryKeepTheirCaseAndTheirReservedEscapes() throws {
        let database = try database()
        for url in [
            "https://chat.example.org/hooks/ABC", "https://chat.example.org/hooks/abc",
            "https://chat.example.org/hooks/abc?q=A", "https://chat.example.org/hooks/abc?q=a",
            "https://chat.example.org/hooks/a%2Fb", "https://chat.example.org/hooks/a/b",
            "https://chat.example.org./hooks/abc",
        ] {
            _ = try database.createSubscription(try webhook(url), now: now)
        }
        #expect(try database.subscriptions().count == 7)
    }

    /// RFC 3986 does not make `//` one `/`, and libcurl sends it as written: a receiver may route
    /// `/a//b` elsewhere than `/a/b`. Only `.` and `..` segments are removed. Nor is a dot segment
    /// in the query.
    @Test func emptySegmentsAndTheQueryAreKeptAsTyped() throws {
        let database = try database()
        for url in [
            "http://127.0.0.1:8080/a/b", "http://127.0.0.1:8080//a/b", "http://127.0.0.1:8080/a//b",
            "http://127.0.0.1:8080/a/b?p=./x", "http://127.0.0.1:8080/a/b?p=x", "http://127.0.0.1:8080/a/.b/..c",
            "http://[64:ff9b::7f00:1]:8080/a/b", "http://[::7f00:1]:8080/a/b",
        ] {
            _ = try database.createSubscription(try webhook(url), now: now)
        }
        #expect(try database.subscriptions().count == 8)
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

    @Test func theNormalFormIsWhatIsStoredAndSent() throws {
        #expect(
            WebhookURL.normalized("HTTPS://Hooks.Slack.COM:443/services/T0/B0/Xy?Q=A%7e%2f#frag")
                == "https://hooks.slack.com/services/T0/B0/Xy?Q=A~%2F")
        #expect(WebhookURL.normalized("http://h.example:8080") == "http://h.example:8080/")
        let database = try database()
        let (made, _) = try database.createSubscription(try webhook("HTTP://Chat.Example.ORG:80/Hooks/X"), now: now)
        let stored = try #require(try database.subscription(id: made.id))
        #expect(stored.channel == .webhook(url: "http://chat.example.org/Hooks/X", format: "slack", secret: nil))
        #expect(stored.channel.destination == "chat.example.org")
    }

    @Test func anImportRefusesASecondSpellingAsADuplicate() throws {
        let database = try database()
        _ = try database.createSubscription(try webhook("https://chat.example.org/hooks/abc"), now: now)
        var refused: [Int] = []
        let imported = try database.importSubscriptions(now: now) { importer in
            let lines = [
                "https://CHAT.example.org:443/hooks/abc", "https://other.example.org/x",
                "HTTPS://other.example.org/x", "https://other.example.org/GEN/../gen/2",
                "https://other.example.org/gen/2", "https://0x7f000001/x", "https://127.0.0.1/y/../x",
            ]
            for (number, url) in lines.enumerated() {
                do {
                    _ = try importer.add(try webhook(url))
                } catch let error as StoreError where error.code == .conflict {
                    refused.append(number + 1)
                }
            }
        }
        #expect(imported == 3)
        #expect(refused == [1, 3, 5, 7])
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

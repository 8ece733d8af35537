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
                "HTTPS://other.example.org/x",
            ]
            for (number, url) in lines.enumerated() {
                do {
                    _ = try importer.add(try webhook(url))
                } catch let error as StoreError where error.code == .conflict {
                    refused.append(number + 1)
                }
            }
        }
        #expect(imported == 1)
        #expect(refused == [1, 3])
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
        let destinations = try database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT destination FROM subscription ORDER BY id")
        }
        #expect(destinations == ["127.0.0.1:8080", "127.0.0.1:8080", "hooks.example.org", "smtp"])
        // The two spellings are now one channel: a third one is refused as the same subscription.
        let error = try #require(throws: StoreError.self) {
            try database.createSubscription(try webhook("http://127.0.0.1:8080/dup/T0"), now: now)
        }
        #expect(error.code == .conflict)
    }
}

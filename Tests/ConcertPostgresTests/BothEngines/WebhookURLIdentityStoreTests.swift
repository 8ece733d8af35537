import ConcertCore
import Foundation
import Testing

/// One webhook written two ways is one channel in the store, on both engines: its normal form
/// (``WebhookURL``, tested in ConcertCoreTests' `WebhookURLIdentityTests`) is what is stored, and a
/// second spelling is refused as the same subscription, one by one and in an import.
@Suite(.timeLimit(.minutes(3)))
struct WebhookURLIdentityStoreTests {
    let now = StoreFixtures.now

    func opened(_ engine: StoreEngine) async throws -> any SubscriptionStore {
        try await StoreTransactionTests.opened(engine).subscriptionStore
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

    /// Each pair in one store: the first spelling stored, the second refused naming it, then the
    /// first removed (a removed subscription is no longer the same one) before the next pair.
    @Test(arguments: StoreEngine.allCases)
    func aSecondSpellingOfTheSameWebhookIsAConflict(engine: StoreEngine) async throws {
        let store = try await opened(engine)
        for pair in Self.spellings {
            let (first, _) = try store.createSubscription(try webhook(pair.typed), now: now)
            let error = try #require(throws: StoreError.self, "\(pair.twin)") {
                try store.createSubscription(try webhook(pair.twin), now: now)
            }
            #expect(error.code == .conflict, "\(pair.twin)")
            #expect(error.message.contains(first.id), "\(pair.twin)")
            try store.setSubscriptionState(id: first.id, to: .removed, now: now)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func thePathAndQueryKeepTheirCaseAndTheirReservedEscapes(engine: StoreEngine) async throws {
        let store = try await opened(engine)
        for url in [
            "https://chat.example.org/hooks/ABC", "https://chat.example.org/hooks/abc",
            "https://chat.example.org/hooks/abc?q=A", "https://chat.example.org/hooks/abc?q=a",
            "https://chat.example.org/hooks/a%2Fb", "https://chat.example.org/hooks/a/b",
            "https://chat.example.org./hooks/abc",
        ] {
            _ = try store.createSubscription(try webhook(url), now: now)
        }
        #expect(try store.subscriptions().count == 7)
    }

    /// RFC 3986 does not make `//` one `/`, and libcurl sends it as written: a receiver may route
    /// `/a//b` elsewhere than `/a/b`. Only `.` and `..` segments are removed. Nor is a dot segment
    /// in the query.
    @Test(arguments: StoreEngine.allCases)
    func emptySegmentsAndTheQueryAreKeptAsTyped(engine: StoreEngine) async throws {
        let store = try await opened(engine)
        for url in [
            "http://127.0.0.1:8080/a/b", "http://127.0.0.1:8080//a/b", "http://127.0.0.1:8080/a//b",
            "http://127.0.0.1:8080/a/b?p=./x", "http://127.0.0.1:8080/a/b?p=x", "http://127.0.0.1:8080/a/.b/..c",
            "http://[64:ff9b::7f00:1]:8080/a/b", "http://[::7f00:1]:8080/a/b",
        ] {
            _ = try store.createSubscription(try webhook(url), now: now)
        }
        #expect(try store.subscriptions().count == 8)
    }

    @Test(arguments: StoreEngine.allCases)
    func theNormalFormIsWhatIsStoredAndSent(engine: StoreEngine) async throws {
        let store = try await opened(engine)
        let (made, _) = try store.createSubscription(try webhook("HTTP://Chat.Example.ORG:80/Hooks/X"), now: now)
        let stored = try #require(try store.subscription(id: made.id))
        #expect(stored.channel == .webhook(url: "http://chat.example.org/Hooks/X", format: "slack", secret: nil))
        #expect(stored.channel.destination == "chat.example.org")
    }

    @Test(arguments: StoreEngine.allCases)
    func anImportRefusesASecondSpellingAsADuplicate(engine: StoreEngine) async throws {
        let store = try await opened(engine)
        _ = try store.createSubscription(try webhook("https://chat.example.org/hooks/abc"), now: now)
        var refused: [Int] = []
        let imported = try store.importSubscriptions(now: now) { importer in
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
}

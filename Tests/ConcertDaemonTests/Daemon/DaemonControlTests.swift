import ConcertCore
import ConcertProtocol
import Foundation
import Testing

@testable import ConcertDaemon

/// Every concertctl command against a real daemon in this process, over its real socket.
@Suite(.serialized, .timeLimit(.minutes(1))) struct DaemonControlTests {
    func ctl(_ daemon: TestDaemon, _ arguments: String...) async -> CtlRun {
        await runCtl(arguments + ["--socket", daemon.socketPath])
    }

    func json(_ run: CtlRun) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any])
    }

    @Test func statusReportsVersionsClockAndCounts() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let run = await ctl(daemon, "status", "--json")
        #expect(run.status == 0)
        let status = try json(run)
        #expect(status["protocol"] as? Int == ProtocolVersion.current)
        let clock = try #require(status["clock"] as? [String: Any])
        #expect(clock["shifted"] as? Bool == true)
        #expect((clock["now"] as? String)?.hasPrefix("2019-10-20T00:00") == true)
        let counts = try #require(status["counts"] as? [String: Any])
        #expect((counts["concerts"] as? [String: Int])?["upcoming"] == 15)
    }

    @Test func citiesAndConcertsComeFromTheCatalog() async throws {
        let daemon = try TestDaemon(clockStart: "2019-11-01T00:00")
        defer { daemon.remove() }
        let cities = try json(await ctl(daemon, "cities", "--json"))["cities"] as? [[String: Any]]
        #expect(cities?.count == 16)
        #expect(cities?.first { $0["id"] as? String == "buyeo" }?["concerts"] as? [String] == ["gongju-buyeo-2019"])
        let upcoming = try json(await ctl(daemon, "concerts", "--json"))["concerts"] as? [[String: Any]]
        #expect(
            upcoming?.map { $0["id"] as? String } == [
                "incheon-2019", "gimhae-2019", "bucheon-2019", "siheung-2019", "suyeong-2019", "changwon-2019",
                "suwon-2019", "goyang-2019",
            ])
        let all =
            try json(await ctl(daemon, "concerts", "--all", "--city", "세종", "--json"))["concerts"]
            as? [[String: Any]]
        #expect(all?.first?["start"] as? String == "2019-10-27")
        #expect(all?.first?["time_announced"] as? Bool == false)
    }

    @Test func subscribeListPauseResumeUnsubscribe() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let url = "https://hooks.slack.com/services/T0001/B0002/SECRETTOKEN"
        let subscribed = await ctl(
            daemon, "subscribe", "부산", "--webhook", url, "--before", "1d,1h", "--quiet", "--json")
        #expect(subscribed.status == 0, "\(subscribed.error)")
        let id = try #require(try json(subscribed)["id"] as? String)
        let listed = await ctl(daemon, "subscriptions", "--json")
        #expect(!listed.output.contains("SECRETTOKEN"), "listings mask webhook tokens")
        #expect(listed.output.contains(id))
        let upcoming = try json(await ctl(daemon, "upcoming", "--json"))["deliveries"] as? [[String: Any]]
        #expect(upcoming?.map { $0["offset"] as? String } == ["1d", "1h"])
        #expect(upcoming?.first?["due"] as? String == "2019-10-24T10:00:00+09:00")

        let paused = try json(await ctl(daemon, "pause", id, "--json"))
        #expect(paused["skipped"] as? Int == 2)
        #expect(await ctl(daemon, "pause", id).status == 1, "pausing twice is a conflict")
        let resumed = try json(await ctl(daemon, "resume", id, "--json"))
        #expect(resumed["scheduled"] as? Int == 2)
        #expect(await ctl(daemon, "unsubscribe", id).status == 0)
        #expect(try json(await ctl(daemon, "upcoming", "--json"))["deliveries"] as? [Any] != nil)
        #expect((try json(await ctl(daemon, "upcoming", "--json"))["deliveries"] as? [Any])?.isEmpty == true)
        #expect(await ctl(daemon, "unsubscribe", id).status == 1)
    }

    @Test func wrongCityIsRefusedNamingTheKnownOnes() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let run = await ctl(daemon, "subscribe", "seoul", "--email", "a@example.org")
        #expect(run.status == 1)
        #expect(run.error.contains("unknown city 'seoul'"))
        #expect(run.error.contains("busan"))
    }

    @Test(arguments: [
        "file:///etc/passwd", "gopher://example.org/1", "https:///no-host", "ftp://example.org/x", "not a url",
    ])
    func daemonRefusesWebhookURLsThatAreNotHTTPWithAHost(_ url: String) async throws {
        // Straight to the socket, past concertctl's own checks: the daemon must refuse on its own.
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let client = try RawControlClient(path: daemon.socketPath)
        try client.send(ControlMethods.subscribe, SubscribeParams(cities: ["busan"], webhook: url), id: 1)
        let reply = try client.readReply()
        guard case .failure(let error) = reply.outcome else {
            Issue.record("\(url) was accepted")
            return
        }
        #expect(error.code == .invalidInput)
        #expect(error.field == "webhook")
        let counters = try daemon.daemon.database.counters()
        #expect(counters["subscription.active", default: 0] == 0)
    }

    @Test func aWebhookWhoseHostIsADeniedAddressIsRefusedAtOnce() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let client = try RawControlClient(path: daemon.socketPath)
        for (id, url) in ["http://169.254.169.254/latest/meta-data/", "http://[::ffff:169.254.169.254]/"].enumerated() {
            try client.send(ControlMethods.subscribe, SubscribeParams(cities: ["busan"], webhook: url), id: Int64(id))
            guard case .failure(let error) = try client.readReply().outcome else {
                Issue.record("\(url) was accepted")
                continue
            }
            #expect(error.code == .invalidInput)
            #expect(error.field == "webhook")
            #expect(error.message.contains("169.254.0.0/16, which webhook_deny refuses"), "\(error.message)")
        }
        let run = await ctl(daemon, "subscribe", "busan", "--webhook", "http://169.254.169.254/x", "--quiet")
        #expect(run.status == 1)
        #expect(run.error.contains("which webhook_deny refuses"))
        #expect(try daemon.daemon.database.counters()["subscription.active", default: 0] == 0)
    }

    @Test func aHostNameIsCheckedWhenSentAndTheTestReplySaysWhyItWasRefused() async throws {
        let daemon = try TestDaemon(config: "webhook_deny = 127.0.0.0/8, ::1/128\n")
        defer { daemon.remove() }
        let refused = await ctl(daemon, "subscribe", "busan", "--webhook", "http://127.0.0.1:9/x", "--quiet")
        #expect(refused.status == 1)
        #expect(refused.error.contains("127.0.0.0/8, which webhook_deny refuses"))
        // A name is not resolved at subscribe time; its addresses are checked when sending.
        let id = try #require(
            try json(await ctl(daemon, "subscribe", "busan", "--webhook", "http://localhost:9/x", "--quiet", "--json"))[
                "id"] as? String)
        let run = await ctl(daemon, "test", id, "--json")
        #expect(run.status == 1)
        let detail = try #require(try json(run)["detail"] as? String)
        #expect(detail.hasPrefix("the webhook host localhost resolved to "), "\(detail)")
        #expect(detail.contains("which webhook_deny refuses"))

        // A reload applies a new list: now the connection is tried (and refused: port 9 is closed).
        try "webhook_deny = none\n".write(
            toFile: daemon.directory + "/concertd.conf", atomically: true, encoding: .utf8)
        #expect(await ctl(daemon, "reload").status == 0)
        let again = try #require(try json(await ctl(daemon, "test", id, "--json"))["detail"] as? String)
        #expect(!again.contains("webhook_deny"), "\(again)")
    }

    @Test func anHTTPWebhookIsAcceptedWithAWarningInTheReplyAndTheOutput() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let reply = try json(
            await ctl(
                daemon, "subscribe", "busan", "--webhook", "http://chat.example.org/hooks/abc", "--quiet", "--json"))
        #expect(reply["id"] is String)
        let warnings = try #require(reply["warnings"] as? [String])
        #expect(warnings.contains { $0.hasPrefix("the webhook URL uses http://") }, "\(warnings)")

        let human = await ctl(daemon, "subscribe", "busan", "--webhook", "http://chat.example.org/hooks/def", "--quiet")
        #expect(human.status == 0)
        #expect((human.output + human.error).contains("the webhook URL uses http://"))

        let https = try json(
            await ctl(
                daemon, "subscribe", "busan", "--webhook", "https://chat.example.org/hooks/ghi", "--quiet", "--json"))
        #expect(!((https["warnings"] as? [String]) ?? []).contains { $0.contains("http://") })
        let loopback = try json(
            await ctl(daemon, "subscribe", "busan", "--webhook", "http://127.0.0.1:9/x", "--quiet", "--json"))
        #expect(!((loopback["warnings"] as? [String]) ?? []).contains { $0.contains("http://") })
    }

    @Test func aBulkImportWarnsOncePerHTTPLine() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let file = daemon.directory + "/import.jsonl"
        let lines = [
            #"{"cities":["busan"],"webhook":"http://chat.example.org/hooks/a"}"#,
            #"{"cities":["busan"],"webhook":"https://chat.example.org/hooks/b"}"#,
            #"{"cities":["busan"],"webhook":"http://chat.example.org/hooks/c"}"#,
            #"{"cities":["busan"],"webhook":"http://localhost:9/hooks/d"}"#,
        ]
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let secrets = daemon.directory + "/secrets.jsonl"
        let result = try json(await ctl(daemon, "subscribe", "--from", file, "--secrets-file", secrets, "--json"))
        #expect(result["imported"] as? Int == 4)
        let warnings = ((result["warnings"] as? [String]) ?? []).filter { $0.contains("uses http://") }
        #expect(warnings.count == 2, "\(warnings)")
        #expect(warnings.first?.hasPrefix("line 1: the webhook URL uses http://") == true)
        #expect(warnings.last?.hasPrefix("line 3: the webhook URL uses http://") == true)
    }

    @Test func badEmailAndOffsetsAreRefusedWithTheReason() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let client = try RawControlClient(path: daemon.socketPath)
        try client.send(ControlMethods.subscribe, SubscribeParams(cities: ["busan"], email: "a@b"), id: 1)
        guard case .failure(let email) = try client.readReply().outcome else {
            throw TestClientError(description: "accepted")
        }
        #expect(email.field == "email" && email.message.contains("domain"))
        try client.send(
            ControlMethods.subscribe, SubscribeParams(cities: ["busan"], email: "a@example.org", before: ["soon"]),
            id: 2)
        guard case .failure(let before) = try client.readReply().outcome else {
            throw TestClientError(description: "accepted")
        }
        #expect(before.field == "before" && before.message.contains("'soon'"))
    }

    @Test func concertAddRescheduleAndCancelQueueTheirNotices() async throws {
        let daemon = try TestDaemon(clockStart: "2019-11-01T00:00")
        defer { daemon.remove() }
        _ = await ctl(daemon, "subscribe", "busan", "--email", "a@example.org", "--quiet")
        let added = await ctl(
            daemon, "concert", "add", "--city", "busan", "--title", "부산 앙코르", "--start", "2019-12-20T14:00",
            "--venue", "영화의전당", "--json")
        #expect(added.status == 0, "\(added.error)")
        let result = try json(added)
        #expect(result["notices"] as? Int == 1)
        let concert = try #require(result["concert"] as? [String: Any])
        let id = try #require(concert["id"] as? String)
        #expect(id == "busan-2019-12-20")
        #expect(concert["end"] as? String == "2019-12-20T16:00:00+09:00")

        let moved = try json(await ctl(daemon, "concert", "reschedule", id, "--start", "2019-12-21T15:00", "--json"))
        #expect((moved["concert"] as? [String: Any])?["start"] as? String == "2019-12-21T15:00:00+09:00")
        let cancelled = await ctl(daemon, "concert", "cancel", id, "--json")
        #expect(cancelled.status == 0)
        #expect(await ctl(daemon, "concert", "cancel", id).status == 1, "cancelling twice is a conflict")
        let concerts = try json(await ctl(daemon, "concerts", "--city", "busan", "--json"))["concerts"] as? [Any]
        #expect(concerts?.isEmpty == true)
    }

    @Test func previewRendersWhatWouldGoOutInTheWindow() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        _ = await ctl(daemon, "subscribe", "daegu", "--email", "a@example.org", "--lang", "en", "--quiet")
        _ = await ctl(
            daemon, "subscribe", "sejong", "--webhook", "http://127.0.0.1:9/x", "--format", "slack", "--quiet")
        let run = await ctl(daemon, "preview", "--from", "2019-10-20T00:00", "--to", "2019-10-27T00:00", "--json")
        #expect(run.status == 0, "\(run.error)")
        let reminders = try #require(try json(run)["reminders"] as? [[String: Any]])
        #expect(
            reminders.map { "\($0["concert"]!) \($0["offset"]!) \($0["due"]!)" } == [
                "sejong-2019 7d 2019-10-20T09:00:00+09:00",
                "daegu-2019 7d 2019-10-22T14:00:00+09:00",
                "sejong-2019 1d 2019-10-26T09:00:00+09:00",
            ])
        #expect((reminders[1]["subject"] as? String)?.contains("in 7 days") == true)
        #expect((reminders[2]["body"] as? String)?.contains("시간 미정") == true)
    }

    @Test func testSendReportsTheReceiversAnswer() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        // Port 9 (discard) is closed here: the connection is refused.
        let id =
            try json(await ctl(daemon, "subscribe", "busan", "--webhook", "http://127.0.0.1:9/x", "--quiet", "--json"))[
                "id"] as? String
        let run = await ctl(daemon, "test", try #require(id), "--json")
        #expect(run.status == 1)
        #expect(run.output.contains("\"delivered\" : false"))
        let failed =
            try json(await ctl(daemon, "deliveries", "--state", "failed", "--json"))["deliveries"] as? [[String: Any]]
        #expect(failed?.first?["kind"] as? String == "test")
    }

    @Test func retryOfADeliveryThatHasNotFailedIsAConflict() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        _ = await ctl(daemon, "subscribe", "busan", "--email", "a@example.org", "--quiet")
        let id = try #require(
            (try json(await ctl(daemon, "upcoming", "--json"))["deliveries"] as? [[String: Any]])?.first?["id"] as? Int)
        let run = await ctl(daemon, "retry", String(id))
        #expect(run.status == 1)
        #expect(run.error.contains("is scheduled, not failed") && run.error.contains("[conflict]"))
        #expect(await ctl(daemon, "retry", "999999").status == 1)
    }

    @Test func bulkImportCreatesValidLinesAndReportsTheOthers() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let file = daemon.directory + "/import.jsonl"
        let lines = [
            #"{"cities":["busan"],"email":"a@example.org"}"#,
            #"{"cities":["atlantis"],"email":"b@example.org"}"#,
            #"{"cities":["sejong"],"webhook":"http://127.0.0.1:9/h","before":"1d,3h","lang":"en"}"#,
            #"not json"#,
        ]
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let run = await ctl(
            daemon, "subscribe", "--from", file, "--secrets-file", daemon.directory + "/secrets.jsonl", "--json")
        let result = try json(run)
        #expect(result["imported"] as? Int == 2)
        let rejected = try #require(result["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["line"] as? Int } == [2, 4])
        #expect((rejected.first?["reason"] as? String)?.contains("atlantis") == true)
        #expect(try daemon.daemon.database.counters()["subscription.active"] == 2)
    }

    @Test func importLinesRepeatingAnOffsetListGetTheSameOffsetsOrTheSameRefusal() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let file = daemon.directory + "/offsets.jsonl"
        let lines = [
            #"{"cities":["busan"],"email":"a@example.org","before":"1d,3h"}"#,
            #"{"cities":["busan"],"email":"b@example.org","before":"7x"}"#,
            #"{"cities":["busan"],"email":"c@example.org","before":"3h, 1d"}"#,
            #"{"cities":["busan"],"email":"d@example.org","before":"1d,3h"}"#,
            #"{"cities":["busan"],"email":"e@example.org","before":"7x"}"#,
            #"{"cities":["busan"],"email":"f@example.org","before":["1d","3h"]}"#,
        ]
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let secrets = daemon.directory + "/secrets.jsonl"
        let result = try json(await ctl(daemon, "subscribe", "--from", file, "--secrets-file", secrets, "--json"))
        #expect(result["imported"] as? Int == 4)
        let rejected = try #require(result["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["line"] as? Int } == [2, 5])
        #expect(rejected.map { $0["reason"] as? String }.allSatisfy { $0 == rejected.first?["reason"] as? String })
        #expect((rejected.first?["reason"] as? String)?.contains("'7x' is not an offset") == true)
        let offsets = try daemon.daemon.database.subscriptions(city: nil).map { $0.offsets.map(\.description) }
        #expect(offsets == Array(repeating: ["1d", "3h"], count: 4))
    }

    @Test func importTooLargeForOneRequestIsStagedInChunksAndCommittedInOneTransaction() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let file = daemon.directory + "/large.jsonl"
        var lines = (1...3000).map { #"{"cities":["busan","gimhae"],"email":"user\#($0)@example.org","label":"bulk"}"# }
        lines[1499] = #"{"cities":["atlantis"],"email":"x@example.org"}"#
        lines[2499] = #"{"cities":["busan"],"webhook":"http://127.0.0.1:9/h","format":"generic"}"#
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.size] as! Int > 3 * 65_536)
        let before = try daemon.daemon.database.counters()["subscription.active", default: 0]
        let secrets = daemon.directory + "/secrets.jsonl"
        let run = await ctl(daemon, "subscribe", "--from", file, "--secrets-file", secrets, "--json")
        #expect(run.status == 1, "one line was rejected")
        let result = try json(run)
        #expect(result["imported"] as? Int == 2999)
        #expect((result["rejected"] as? [[String: Any]])?.map { $0["line"] as? Int } == [1500])
        // The line given no signing secret: its generated secret is in the secrets file only.
        #expect((result["created"] as? [[String: Any]])?.isEmpty == true)
        let entry = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: secrets))) as? [String: Any])
        #expect(entry["line"] as? Int == 2500)
        let id = try #require(entry["id"] as? String)
        let secret = try #require(entry["secret"] as? String)
        guard case .webhook(_, _, let stored)? = try daemon.daemon.database.subscription(id: id)?.channel else {
            throw TestClientError(description: "line 2500 did not become a webhook subscription")
        }
        #expect(stored == secret)
        #expect(try daemon.daemon.database.counters()["subscription.active"] == before + 2999)
        // The same file again: every line repeats a subscription that exists now (`conflict`, as
        // `subscribe` answers), and none is imported twice; the reply names the first 1,000.
        let again = try json(
            await ctl(daemon, "subscribe", "--from", file, "--secrets-file", secrets + ".again", "--json"))
        #expect(again["imported"] as? Int == 0)
        let rejected = try #require(again["rejected"] as? [[String: Any]])
        let repeats = rejected.filter {
            ($0["reason"] as? String)?.contains("already has the same subscription") == true
        }
        #expect(repeats.count == 1000)
        #expect(rejected.count == 1001, "and line 1500's unknown city")
        #expect(
            (again["warnings"] as? [String]) == ["1999 more lines repeat a subscription that exists and were left out"])
        #expect(try daemon.daemon.database.counters()["subscription.active"] == before + 2999)
        // Other addresses, in text.
        try lines.map { $0.replacingOccurrences(of: "user", with: "other") }.joined(separator: "\n")
            .replacingOccurrences(of: "127.0.0.1:9/h", with: "127.0.0.1:9/other")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let text = await ctl(daemon, "subscribe", "--from", file, "--secrets-file", secrets + ".2")
        #expect(text.output.contains("imported 2999 subscriptions from"))
        #expect(text.output.contains("line 1500: rejected: unknown city 'atlantis'"))
        #expect(!text.output.contains("whsec_"))
    }

    @Test func commitOfAnUnknownBatchIsNotFoundAndStoresNothing() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let client = try RawControlClient(path: daemon.socketPath)
        try client.send(ControlMethods.subscribeBulkCommit, SubscribeBulkCommitParams(batch: "batch-nope"), id: 1)
        guard case .failure(let error) = try client.readReply().outcome else {
            throw TestClientError(description: "an unknown batch was committed")
        }
        #expect(error.code == .notFound)
    }

    @Test func reloadAnswersWithWhatChanged() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let run = await ctl(daemon, "reload", "--json")
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("reloaded"))
    }

    @Test func garbageOnTheSocketIsAnsweredAndChangesNothing() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        _ = await ctl(daemon, "subscribe", "busan", "--email", "a@example.org", "--quiet")
        let before = try daemon.daemon.database.counters()
        let client = try RawControlClient(path: daemon.socketPath)
        for line in [
            "hello", #"{"jsonrpc":"2.0","id":1,"method":"launch"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"subscribe","params":{"cities":"busan"}}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"pause","params":{"id":42}}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"upcoming","params":{"limit":-5}}"#,
        ] {
            #expect(client.send(line: line))
            let reply = try client.readReply()
            guard case .failure = reply.outcome else {
                Issue.record("'\(line)' was not refused")
                continue
            }
        }
        #expect(client.send(Array(repeating: UInt8(ascii: "x"), count: 70_000) + [10]))
        #expect(try client.closesWithin(5))
        #expect(try daemon.daemon.database.counters() == before)
        #expect(await ctl(daemon, "status").status == 0, "the daemon still answers")
    }
}

import ConcertCore
import ConcertProtocol
import Foundation
import Testing

@testable import ConcertDaemon
@testable import concertctl

/// concertctl's listing commands against a real daemon in this process: every page unless
/// `--limit` is given, the JSON output one document whatever the number of pages, and numeric
/// options refused with a message that says what is wanted.
@Suite(.serialized, .timeLimit(.minutes(3))) struct CtlPagingTests {
    func ctl(_ daemon: TestDaemon, _ arguments: String...) async -> CtlRun {
        await runCtl(arguments + ["--socket", daemon.socketPath, "--timeout", "120"])
    }

    func subscribe(_ daemon: TestDaemon, count: Int) throws -> [String] {
        let new = (0..<count).map {
            NewSubscription(
                channel: .email("c\($0)@example.org"), cities: ["busan"], offsets: [ReminderOffset(seconds: 86_400)])
        }
        return try daemon.daemon.database.importSubscriptions(new, now: daemon.daemon.clock.now()).map(\.id)
    }

    @Test func listingsFetchEveryPageUnlessALimitIsGiven() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let ids = try subscribe(daemon, count: ListingPaging.pageSize * 2 + 17)
        let json = await ctl(daemon, "subscriptions", "--json")
        #expect(json.status == 0, "\(json.error)")
        let document = try #require(JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any])
        let listed = try #require(document["subscriptions"] as? [[String: Any]])
        #expect(listed.map { $0["id"] as? String } == ids)
        #expect(document.keys.sorted() == ["subscriptions"], "no cursor once every page is read")

        let text = await ctl(daemon, "subscriptions")
        let lines = text.output.split(separator: "\n")
        #expect(lines.count == ids.count + 1, "one header, one line per subscription")
        #expect(lines.first?.hasPrefix("ID") == true && lines.filter { $0.hasPrefix("ID ") }.count == 1)
        #expect(ids.allSatisfy { id in text.output.contains(id) })

        let limited = await ctl(daemon, "upcoming", "--limit", "1500", "--json")
        let upcoming = try #require(
            (JSONSerialization.jsonObject(with: Data(limited.output.utf8)) as? [String: Any])?["deliveries"]
                as? [[String: Any]])
        #expect(upcoming.count == 1500)
        let all = await ctl(daemon, "deliveries", "--json")
        let deliveries = try #require(
            (JSONSerialization.jsonObject(with: Data(all.output.utf8)) as? [String: Any])?["deliveries"]
                as? [[String: Any]])
        #expect(deliveries.count == ids.count, "not protocol 1's 50")
    }

    @Test func anEmptyListingIsOneEmptyJSONListOrOneLineOfText() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let json = await ctl(daemon, "subscriptions", "--json")
        #expect(json.output == "{\n  \"subscriptions\" : [\n\n  ]\n}\n")
        #expect(await ctl(daemon, "subscriptions").output == "no subscriptions\n")
        #expect(await ctl(daemon, "preview", "--city", "gimhae").output == "no reminders due in the window\n")
    }

    @Test(arguments: ["upcoming", "deliveries", "subscriptions", "concerts", "preview"])
    func aLimitThatIsNotAPositiveWholeNumberSaysWhatIsWanted(_ command: String) async {
        for value in ["-3", "0", "abc", "1.5", "1000000001"] {
            let run = await runCtl([command, "--limit", value, "--socket", "/nonexistent/c.sock"])
            #expect(run.status == 64, "\(command) --limit \(value)")
            #expect(run.error.contains("'\(value)'") && run.error.contains("--limit"), "\(run.error)")
            #expect(run.error.contains("must be a whole number from 1 to 1000000000"), "\(run.error)")
            #expect(!run.error.contains("Missing value"))
        }
    }

    @Test func aNegativeTimeoutIsReadAsAValueNotAsAMissingOne() async {
        let run = await runCtl(["status", "--timeout", "-3", "--socket", "/nonexistent/c.sock"])
        #expect(run.status == 64)
        #expect(run.error.contains("--timeout") && !run.error.contains("Missing value"), "\(run.error)")
    }
}

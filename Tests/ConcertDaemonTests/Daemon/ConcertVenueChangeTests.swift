import ConcertCore
import ConcertProtocol
import Foundation
import Testing

@testable import ConcertDaemon

/// `concert reschedule --venue` and `--venue-en` against a real daemon: each changes only its own
/// language, values are compared as they are stored (trimmed), and a change notice goes only to
/// subscribers whose language's text changed.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ConcertVenueChangeTests {
    let changes = ConcertChangeTests()

    /// Subscribes a slack webhook in `language` and waits until its confirmation was sent.
    func subscribeAndHear(_ daemon: TestDaemon, language: String, receiver: AnsweringListener) async throws -> String {
        let reply = try changes.json(
            await changes.ctl(
                daemon, "subscribe", "busan", "--webhook", receiver.url("/hook/\(language)"), "--format", "slack",
                "--lang", language, "--json"))
        let id = try #require(reply["id"] as? String, "\(reply)")
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let sent = try await changes.deliveries(daemon, kind: "confirmation").filter {
                $0["subscription"] as? String == id && $0["state"] as? String == "sent"
            }
            if !sent.isEmpty { return id }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestClientError(description: "the confirmation of \(id) was not sent")
    }

    @Test func theKoreanVenueAloneKeepsTheEnglishOne() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let run = await changes.ctl(
            daemon, "concert", "reschedule", "busan-2019", "--venue", "벡스코 제2전시장", "--json")
        #expect(run.status == 0, "\(run.error)")
        let venue = (try changes.json(run)["concert"] as? [String: Any])?["venue"] as? [String: String]
        #expect(venue == ["ko": "벡스코 제2전시장", "en": "BEXCO, Busan"])
    }

    @Test func theCurrentVenueWithSpacesAroundChangesNothing() async throws {
        let daemon = try TestDaemon()
        let receiver = try AnsweringListener()
        defer {
            daemon.remove()
            receiver.stop()
        }
        _ = try await subscribeAndHear(daemon, language: "ko", receiver: receiver)
        for arguments in [["--venue", " 부산 벡스코 "], ["--venue-en", "  BEXCO, Busan\t"]] {
            let run = await runCtl(
                ["concert", "reschedule", "busan-2019"] + arguments + ["--json", "--socket", daemon.socketPath])
            #expect(run.status == 0, "\(run.error)")
            let reply = try changes.json(run)
            #expect(reply["changed"] as? Bool == false, "\(arguments): \(reply)")
            #expect(reply["notices"] as? Int == 0, "\(arguments): \(reply)")
        }
        #expect(try await changes.deliveries(daemon, kind: "change").isEmpty)
    }

    @Test func anEnglishVenueChangeIsToldOnlyToEnglishSubscribers() async throws {
        let daemon = try TestDaemon()
        let receiver = try AnsweringListener()
        defer {
            daemon.remove()
            receiver.stop()
        }
        _ = try await subscribeAndHear(daemon, language: "ko", receiver: receiver)
        let english = try await subscribeAndHear(daemon, language: "en", receiver: receiver)
        let reply = try changes.json(
            await changes.ctl(daemon, "concert", "reschedule", "busan-2019", "--venue-en", "BEXCO Hall 2", "--json"))
        #expect(reply["changed"] as? Bool == true)
        #expect(reply["notices"] as? Int == 1, "\(reply)")
        let notices = try await changes.deliveries(daemon, kind: "change")
        #expect(notices.map { $0["subscription"] as? String } == [english], "\(notices)")
        let warnings = reply["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("1 ") && $0.contains("language") }, "\(warnings)")

        // A Korean venue change reaches the Korean subscriber only; a time change reaches both.
        let korean = try changes.json(
            await changes.ctl(daemon, "concert", "reschedule", "busan-2019", "--venue", "벡스코 제2전시장", "--json"))
        #expect(korean["notices"] as? Int == 1, "\(korean)")
        let moved = try changes.json(
            await changes.ctl(daemon, "concert", "reschedule", "busan-2019", "--start", "2019-10-25T11:00", "--json"))
        #expect(moved["notices"] as? Int == 2, "\(moved)")
    }
}

/// The same rule for a catalog edit: an edit of the English venue alone is told to English
/// subscribers only.
@Suite(.serialized, .timeLimit(.minutes(1))) struct CatalogVenueEditTests {
    @Test func aCatalogEditOfTheEnglishVenueIsToldOnlyToEnglishSubscribers() async throws {
        let directory = TemporarySocket()
        defer { directory.remove() }
        let catalogPath = directory.directory + "/concerts.json5"
        let shipped = try String(contentsOfFile: TestDaemon.catalogPath, encoding: .utf8)
        try shipped.write(toFile: catalogPath, atomically: true, encoding: .utf8)
        let daemon = try TestDaemon(catalog: catalogPath)
        let receiver = try AnsweringListener()
        defer {
            daemon.remove()
            receiver.stop()
        }
        let venues = ConcertVenueChangeTests()
        _ = try await venues.subscribeAndHear(daemon, language: "ko", receiver: receiver)
        let english = try await venues.subscribeAndHear(daemon, language: "en", receiver: receiver)
        let edited = shipped.replacingOccurrences(of: #"en: "BEXCO, Busan""#, with: #"en: "BEXCO Hall 2, Busan""#)
        #expect(edited != shipped)
        try edited.write(toFile: catalogPath, atomically: true, encoding: .utf8)
        let reload = try venues.changes.json(await venues.changes.ctl(daemon, "reload", "--json"))
        #expect((reload["summary"] as? String)?.contains("1 notice queued") == true, "\(reload)")
        let notices = try await venues.changes.deliveries(daemon, kind: "change")
        #expect(notices.map { $0["subscription"] as? String } == [english], "\(notices)")
    }
}

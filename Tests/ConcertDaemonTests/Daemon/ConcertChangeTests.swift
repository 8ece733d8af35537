import ConcertCore
import ConcertProtocol
import Foundation
import Testing

@testable import ConcertDaemon

/// `concert reschedule`, `cancel`, `add` and `reset` against a real daemon over its socket: what is
/// kept when not given, who is told, and what the reply counts and says.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ConcertChangeTests {
    func ctl(_ daemon: TestDaemon, _ arguments: String...) async -> CtlRun {
        await runCtl(arguments + ["--socket", daemon.socketPath])
    }

    func json(_ run: CtlRun) throws -> [String: Any] {
        try #require(
            JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any], "\(run.output)\(run.error)")
    }

    /// The concert as `concerts --all` lists it.
    func concert(_ daemon: TestDaemon, _ id: String) async throws -> [String: Any] {
        let all = try json(await ctl(daemon, "concerts", "--all", "--json"))["concerts"] as? [[String: Any]]
        return try #require(all?.first { $0["id"] as? String == id })
    }

    func deliveries(_ daemon: TestDaemon, kind: String) async throws -> [[String: Any]] {
        let all =
            try json(await ctl(daemon, "deliveries", "--limit", "1000", "--json"))["deliveries"] as? [[String: Any]]
        return (all ?? []).filter { $0["kind"] as? String == kind }
    }

    /// Subscribes a webhook to `city` on a receiver that answers 204, and waits until its
    /// confirmation was sent: from then on the subscriber has heard of the concert.
    func subscribeAndHear(_ daemon: TestDaemon, _ city: String, receiver: AnsweringListener) async throws -> String {
        let id = try #require(
            try json(await ctl(daemon, "subscribe", city, "--webhook", receiver.url(), "--format", "slack", "--json"))[
                "id"] as? String)
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            let sent = try await deliveries(daemon, kind: "confirmation").filter {
                $0["subscription"] as? String == id && $0["state"] as? String == "sent"
            }
            if !sent.isEmpty { return id }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestClientError(description: "the confirmation of \(id) was not sent")
    }

    @Test func rescheduleWithOnlyAStartMovesTheEndByTheSameDurationAndKeepsTheVenue() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let run = await ctl(daemon, "concert", "reschedule", "busan-2019", "--start", "2019-10-26T10:00", "--json")
        #expect(run.status == 0, "\(run.error)")
        let moved = try #require(try json(run)["concert"] as? [String: Any])
        #expect(moved["start"] as? String == "2019-10-26T10:00:00+09:00")
        #expect(moved["end"] as? String == "2019-10-26T18:00:00+09:00", "10:00–18:00 stays eight hours long")
        let venue = try #require(moved["venue"] as? [String: String])
        #expect(venue == ["ko": "부산 벡스코", "en": "BEXCO, Busan"])
    }

    @Test func rescheduleToTheSameTimeChangesNothingAndQueuesNoNotice() async throws {
        let daemon = try TestDaemon()
        let receiver = try AnsweringListener()
        defer {
            daemon.remove()
            receiver.stop()
        }
        _ = try await subscribeAndHear(daemon, "busan", receiver: receiver)
        let same = await ctl(daemon, "concert", "reschedule", "busan-2019", "--start", "2019-10-25T10:00")
        #expect(same.status == 0, "\(same.error)")
        #expect(same.output.contains("nothing changed"), "\(same.output)")
        #expect(same.output.contains("no notice"), "\(same.output)")
        let stored = try await concert(daemon, "busan-2019")
        #expect(stored["end"] as? String == "2019-10-25T18:00:00+09:00")
        #expect(try await deliveries(daemon, kind: "change").isEmpty)

        // A real change is told once; the same change again queues nothing and says so.
        let moved = try json(
            await ctl(
                daemon, "concert", "reschedule", "busan-2019", "--start", "2019-10-26T10:00", "--end",
                "2019-10-26T17:00", "--json"))
        #expect(moved["notices"] as? Int == 1)
        #expect(moved["changed"] as? Bool == true)
        let again = try json(
            await ctl(
                daemon, "concert", "reschedule", "busan-2019", "--start", "2019-10-26T10:00", "--end",
                "2019-10-26T17:00", "--json"))
        #expect(again["notices"] as? Int == 0, "nothing was queued by the second, empty change")
        #expect(again["changed"] as? Bool == false)
        #expect(try await deliveries(daemon, kind: "change").count == 1)
    }

    @Test func onlyTheVenueOrOnlyTheEndCanBeChanged() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let venue = await ctl(
            daemon, "concert", "reschedule", "busan-2019", "--venue", "영화의전당", "--venue-en", "Busan Cinema Center",
            "--json")
        #expect(venue.status == 0, "\(venue.error)")
        let afterVenue = try #require(try json(venue)["concert"] as? [String: Any])
        #expect(afterVenue["start"] as? String == "2019-10-25T10:00:00+09:00")
        #expect(afterVenue["end"] as? String == "2019-10-25T18:00:00+09:00")
        #expect(afterVenue["venue"] as? [String: String] == ["ko": "영화의전당", "en": "Busan Cinema Center"])

        let end = await ctl(daemon, "concert", "reschedule", "busan-2019", "--end", "2019-10-25T17:00", "--json")
        #expect(end.status == 0, "\(end.error)")
        let afterEnd = try #require(try json(end)["concert"] as? [String: Any])
        #expect(afterEnd["start"] as? String == "2019-10-25T10:00:00+09:00")
        #expect(afterEnd["end"] as? String == "2019-10-25T17:00:00+09:00")
        #expect(afterEnd["venue"] as? [String: String] == ["ko": "영화의전당", "en": "Busan Cinema Center"])

        // The English venue alone keeps the Korean one.
        let english = try json(
            await ctl(daemon, "concert", "reschedule", "busan-2019", "--venue-en", "Cinema Center", "--json"))
        #expect(
            (english["concert"] as? [String: Any])?["venue"] as? [String: String] == [
                "ko": "영화의전당", "en": "Cinema Center",
            ])
    }

    @Test func rescheduleWithNothingToChangeIsInvalidParams() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let client = try RawControlClient(path: daemon.socketPath)
        _ = client.send(line: #"{"jsonrpc":"2.0","id":1,"method":"concert.reschedule","params":{"id":"busan-2019"}}"#)
        guard case .failure(let error) = try client.readReply().outcome else {
            throw TestClientError(description: "a reschedule without start, end or venue was accepted")
        }
        #expect(error.code == .invalidParams)
        #expect(error.message.contains("start") && error.message.contains("venue"))
        let usage = await ctl(daemon, "concert", "reschedule", "busan-2019")
        #expect(usage.status == 64, "\(usage.error)")
    }

    @Test func anEndBeforeTheKeptStartIsInvalidInput() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let client = try RawControlClient(path: daemon.socketPath)
        _ = client.send(
            line:
                #"{"jsonrpc":"2.0","id":1,"method":"concert.reschedule","params":{"id":"busan-2019","end":"2019-10-25T09:00:00+09:00"}}"#
        )
        guard case .failure(let error) = try client.readReply().outcome else {
            throw TestClientError(description: "an end before the start was accepted")
        }
        #expect(error.code == .invalidInput)
        #expect(error.field == "end")
        let stored = try await concert(daemon, "busan-2019")
        #expect(stored["end"] as? String == "2019-10-25T18:00:00+09:00", "nothing was changed")
    }

    @Test func dateOnlyConcertKeepsItsNumberOfDays() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        // Sejong: 27–28 October, no time announced.
        let moved = try json(
            await ctl(daemon, "concert", "reschedule", "sejong-2019", "--start", "2019-11-02", "--json"))
        let concert = try #require(moved["concert"] as? [String: Any])
        #expect(concert["start"] as? String == "2019-11-02")
        #expect(concert["end"] as? String == "2019-11-03")
        #expect(concert["time_announced"] as? Bool == false)

        let shortened = try json(
            await ctl(daemon, "concert", "reschedule", "sejong-2019", "--end", "2019-11-02", "--json"))
        #expect((shortened["concert"] as? [String: Any])?["end"] as? String == "2019-11-02")

        let mixed = await ctl(daemon, "concert", "reschedule", "sejong-2019", "--end", "2019-11-02T18:00")
        #expect(mixed.status == 1)
        #expect(mixed.error.contains("date"), "\(mixed.error)")
    }

    @Test func aTimedConcertMovedToADateAndBack() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let toDate = try json(
            await ctl(daemon, "concert", "reschedule", "busan-2019", "--start", "2019-10-26", "--json"))
        let dateOnly = try #require(toDate["concert"] as? [String: Any])
        #expect(dateOnly["start"] as? String == "2019-10-26" && dateOnly["end"] as? String == "2019-10-26")
        #expect(dateOnly["time_announced"] as? Bool == false)

        // Sejong (27–28 October) has no time: a timed start alone has no length to keep, so it is
        // refused naming --end, and the concert stays as it was.
        let sejong = try #require(try daemon.daemon.database.concert(id: "sejong-2019")?.concert.schedule)
        let toTime = await ctl(daemon, "concert", "reschedule", "sejong-2019", "--start", "2019-10-27T14:00")
        #expect(toTime.status == 1)
        #expect(toTime.error.contains("--end") && toTime.error.contains("2019-10-27 to 2019-10-28"), "\(toTime.error)")
        #expect(try daemon.daemon.database.concert(id: "sejong-2019")?.concert.schedule == sejong)

        let withEnd = try json(
            await ctl(
                daemon, "concert", "reschedule", "sejong-2019", "--start", "2019-10-27T14:00", "--end",
                "2019-10-27T17:00", "--json"))
        let timed = try #require(withEnd["concert"] as? [String: Any])
        #expect(timed["start"] as? String == "2019-10-27T14:00:00+09:00")
        #expect(timed["end"] as? String == "2019-10-27T17:00:00+09:00")
    }

    @Test func aConcertAddedWithConcertctlKeepsItsDurationToo() async throws {
        let daemon = try TestDaemon(clockStart: "2019-11-01T00:00")
        defer { daemon.remove() }
        let added = try json(
            await ctl(
                daemon, "concert", "add", "--city", "busan", "--title", "앙코르", "--start", "2019-12-20T14:00", "--end",
                "2019-12-20T17:30", "--venue", "영화의전당", "--venue-en", "Busan Cinema Center", "--json"))
        let id = try #require((added["concert"] as? [String: Any])?["id"] as? String)
        #expect(
            (added["concert"] as? [String: Any])?["venue"] as? [String: String] == [
                "ko": "영화의전당", "en": "Busan Cinema Center",
            ])
        let moved = try json(await ctl(daemon, "concert", "reschedule", id, "--start", "2019-12-21T10:00", "--json"))
        #expect((moved["concert"] as? [String: Any])?["end"] as? String == "2019-12-21T13:30:00+09:00")
    }

    @Test func noticesCountWhatThisChangeQueuedAndWarningsSayWhoIsTold() async throws {
        let daemon = try TestDaemon()
        let receiver = try AnsweringListener()
        defer {
            daemon.remove()
            receiver.stop()
        }
        _ = try await subscribeAndHear(daemon, "busan", receiver: receiver)
        // Subscribed without confirmation: has heard nothing of the concert yet.
        _ = await ctl(daemon, "subscribe", "busan", "--email", "quiet@example.org", "--quiet")
        let moved = try json(
            await ctl(daemon, "concert", "reschedule", "busan-2019", "--start", "2019-10-26T10:00", "--json"))
        #expect(moved["notices"] as? Int == 1)
        let warnings = try #require(moved["warnings"] as? [String])
        #expect(warnings.contains { $0.contains("1 other active subscription") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("concert reset busan-2019") }, "\(warnings)")

        let cancelled = try json(await ctl(daemon, "concert", "cancel", "busan-2019", "--json"))
        #expect(cancelled["notices"] as? Int == 1)
        #expect(try await deliveries(daemon, kind: "cancellation").count == 1)
        let text = await ctl(daemon, "concert", "cancel", "busan-2019")
        #expect(text.status == 1, "cancelling twice is a conflict")
    }

    @Test func addCountsItsNewConcertNotices() async throws {
        let daemon = try TestDaemon(clockStart: "2019-11-01T00:00")
        defer { daemon.remove() }
        _ = await ctl(daemon, "subscribe", "busan", "--email", "a@example.org", "--quiet")
        _ = await ctl(daemon, "subscribe", "busan", "suyeong", "--email", "b@example.org", "--quiet")
        let added = try json(
            await ctl(
                daemon, "concert", "add", "--city", "busan", "--title", "T", "--start", "2019-12-20T14:00", "--json"))
        #expect(added["notices"] as? Int == 2)
        #expect(try await deliveries(daemon, kind: "new_concert").count == 2)
    }

    @Test func aCatalogEditOfAChangedConcertIsNamedOnReloadAndResetHandsItBack() async throws {
        let directory = TemporarySocket()
        defer { directory.remove() }
        let catalogPath = directory.directory + "/concerts.json5"
        let shipped = try String(contentsOfFile: TestDaemon.catalogPath, encoding: .utf8)
        try shipped.write(toFile: catalogPath, atomically: true, encoding: .utf8)
        let daemon = try TestDaemon(catalog: catalogPath)
        defer { daemon.remove() }
        _ = try json(await ctl(daemon, "concert", "reschedule", "busan-2019", "--start", "2019-10-26T10:00", "--json"))

        // The file moves Busan to 14:00 the same day: not applied, and the reply says why and what to do.
        let edited = shipped.replacingOccurrences(
            of: #"start: "2019-10-25T10:00+09:00", end: "2019-10-25T18:00+09:00""#,
            with: #"start: "2019-10-25T14:00+09:00", end: "2019-10-25T18:00+09:00""#)
        #expect(edited != shipped)
        try edited.write(toFile: catalogPath, atomically: true, encoding: .utf8)
        let reload = try json(await ctl(daemon, "reload", "--json"))
        let warnings = try #require(reload["warnings"] as? [String])
        #expect(
            warnings.contains { $0.contains("busan-2019") && $0.contains("concertctl concert reset busan-2019") },
            "\(warnings)")
        #expect((reload["summary"] as? String)?.contains("1 kept as changed with concertctl") == true, "\(reload)")
        #expect(try await concert(daemon, "busan-2019")["start"] as? String == "2019-10-26T10:00:00+09:00")

        let reset = await ctl(daemon, "concert", "reset", "busan-2019", "--json")
        #expect(reset.status == 0, "\(reset.error)")
        #expect((try json(reset)["concert"] as? [String: Any])?["start"] as? String == "2019-10-25T14:00:00+09:00")
        // Back with the catalog: the next edit applies, and reload says nothing of busan.
        try shipped.write(toFile: catalogPath, atomically: true, encoding: .utf8)
        let again = try json(await ctl(daemon, "reload", "--json"))
        #expect(!((again["warnings"] as? [String]) ?? []).contains { $0.contains("busan-2019") })
        #expect(try await concert(daemon, "busan-2019")["start"] as? String == "2019-10-25T10:00:00+09:00")

        // A concert that already follows the catalog, or that the catalog does not have, cannot be reset.
        #expect(await ctl(daemon, "concert", "reset", "busan-2019").status == 1)
        let added = try json(
            await ctl(
                daemon, "concert", "add", "--city", "busan", "--title", "T", "--start", "2019-12-20T14:00", "--json"))
        let addedID = try #require((added["concert"] as? [String: Any])?["id"] as? String)
        let notInCatalog = await ctl(daemon, "concert", "reset", addedID)
        #expect(notInCatalog.status == 1)
        #expect(notInCatalog.error.contains("not in the catalog"), "\(notInCatalog.error)")
    }

    @Test func aChangedConcertRemovedFromTheCatalogIsKeptAndNamedOnReload() async throws {
        let directory = TemporarySocket()
        defer { directory.remove() }
        let catalogPath = directory.directory + "/concerts.json5"
        let shipped = try String(contentsOfFile: TestDaemon.catalogPath, encoding: .utf8)
        try shipped.write(toFile: catalogPath, atomically: true, encoding: .utf8)
        let daemon = try TestDaemon(catalog: catalogPath)
        defer { daemon.remove() }
        _ = try json(await ctl(daemon, "concert", "reschedule", "busan-2019", "--start", "2019-10-26T10:00", "--json"))

        // Busan's entry taken out of the file: a catalog concert would be cancelled; this one is kept.
        let entry = try #require(shipped.range(of: "    {\n      id: \"busan-2019\""))
        let next = try #require(
            shipped.range(of: "    {\n      id: \"sejong-2019\"", range: entry.upperBound..<shipped.endIndex))
        try shipped.replacingCharacters(in: entry.lowerBound..<next.lowerBound, with: "").write(
            toFile: catalogPath, atomically: true, encoding: .utf8)
        let reload = try json(await ctl(daemon, "reload", "--json"))
        let warnings = try #require(reload["warnings"] as? [String])
        #expect(
            warnings.contains { $0.contains("busan-2019") && $0.contains("no longer in the catalog file") },
            "\(warnings)")
        #expect(try await concert(daemon, "busan-2019")["status"] as? String == "scheduled")
    }

    @Test func aConcertAddedInThePastSaysNobodyIsTold() async throws {
        let daemon = try TestDaemon(clockStart: "2019-11-01T00:00")
        defer { daemon.remove() }
        _ = await ctl(daemon, "subscribe", "busan", "--email", "a@example.org", "--quiet")
        let added = try json(
            await ctl(
                daemon, "concert", "add", "--city", "busan", "--title", "T", "--start", "2019-10-30T14:00", "--json"))
        #expect(added["notices"] as? Int == 0)
        let warnings = added["warnings"] as? [String] ?? []
        #expect(warnings.contains { $0.contains("already begun") }, "\(warnings)")
    }
}

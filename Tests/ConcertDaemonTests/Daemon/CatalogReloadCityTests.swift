import ConcertCore
import ConcertProtocol
import Foundation
import Logging
import Testing

@testable import ConcertDaemon

/// A reload whose catalog drops a city still in use is refused naming it (a start warns); a
/// reload with nothing new in the file says nothing of concerts changed with concertctl.
@Suite(.serialized, .timeLimit(.minutes(1))) struct CatalogReloadCityTests {
    let changes = ConcertChangeTests()

    /// The shipped catalog copied where the test can edit it, and a daemon reading it.
    func daemonWithEditableCatalog() throws -> (TestDaemon, String, String, TemporarySocket) {
        let directory = TemporarySocket()
        let catalogPath = directory.directory + "/concerts.json5"
        let shipped = try String(contentsOfFile: TestDaemon.catalogPath, encoding: .utf8)
        try shipped.write(toFile: catalogPath, atomically: true, encoding: .utf8)
        return (try TestDaemon(catalog: catalogPath), catalogPath, shipped, directory)
    }

    /// The shipped catalog without the city busan and its concert.
    func withoutBusan(_ shipped: String) throws -> String {
        var text = shipped.replacingOccurrences(
            of: #"    { id: "busan",     ko: "부산",   ko_full: "부산광역시",         en: "Busan",     aliases: ["부산시"] },"#
                + "\n", with: "")
        let entry = try #require(text.range(of: "    {\n      id: \"busan-2019\""))
        let next = try #require(
            text.range(of: "    {\n      id: \"sejong-2019\"", range: entry.upperBound..<text.endIndex))
        text.replaceSubrange(entry.lowerBound..<next.lowerBound, with: "")
        #expect(!text.contains("\"busan\""))
        return text
    }

    @Test func aReloadDroppingACityWithSubscriptionsIsRefusedAndTheOldCatalogStays() async throws {
        let (daemon, catalogPath, shipped, directory) = try daemonWithEditableCatalog()
        defer {
            daemon.remove()
            directory.remove()
        }
        #expect(await changes.ctl(daemon, "subscribe", "busan", "--email", "a@example.org", "--quiet").status == 0)
        try withoutBusan(shipped).write(toFile: catalogPath, atomically: true, encoding: .utf8)
        let reload = await changes.ctl(daemon, "reload")
        #expect(reload.status != 0, "\(reload.output)")
        #expect(reload.error.contains("busan") && reload.error.contains("1 subscription"), "\(reload.error)")
        // The old catalog is in force: busan is still a city and its concert still scheduled.
        #expect(await changes.ctl(daemon, "preview", "--city", "busan").status == 0)
        #expect(try await changes.concert(daemon, "busan-2019")["status"] as? String == "scheduled")
    }

    @Test func aReloadDroppingACityOfAConcertAddedWithConcertctlIsRefused() async throws {
        let (daemon, catalogPath, shipped, directory) = try daemonWithEditableCatalog()
        defer {
            daemon.remove()
            directory.remove()
        }
        let added = await changes.ctl(
            daemon, "concert", "add", "--city", "busan", "--title", "T", "--start", "2019-12-20T14:00")
        #expect(added.status == 0, "\(added.error)")
        try withoutBusan(shipped).write(toFile: catalogPath, atomically: true, encoding: .utf8)
        let reload = await changes.ctl(daemon, "reload")
        #expect(reload.status != 0)
        #expect(reload.error.contains("busan-2019-12-20"), "\(reload.error)")
    }

    @Test func aReloadDroppingACityNothingNamesIsApplied() async throws {
        let (daemon, catalogPath, shipped, directory) = try daemonWithEditableCatalog()
        defer {
            daemon.remove()
            directory.remove()
        }
        try withoutBusan(shipped).write(toFile: catalogPath, atomically: true, encoding: .utf8)
        let reload = await changes.ctl(daemon, "reload")
        #expect(reload.status == 0, "\(reload.error)")
        #expect(reload.output.contains("1 cancelled"), "\(reload.output)")
    }

    @Test func aReloadOfAnUnchangedFileDoesNotWarnOfConcertsChangedWithConcertctl() async throws {
        let (daemon, catalogPath, shipped, directory) = try daemonWithEditableCatalog()
        defer {
            daemon.remove()
            directory.remove()
        }
        _ = try changes.json(
            await changes.ctl(daemon, "concert", "reschedule", "busan-2019", "--start", "2019-10-26T10:00", "--json"))
        let first = try changes.json(await changes.ctl(daemon, "reload", "--json"))
        #expect(!((first["warnings"] as? [String]) ?? []).contains { $0.contains("busan-2019") }, "\(first)")
        // An edit of its entry since the last load is named once.
        try shipped.replacingOccurrences(of: "2019-10-25T18:00+09:00", with: "2019-10-25T17:00+09:00").write(
            toFile: catalogPath, atomically: true, encoding: .utf8)
        let edited = try changes.json(await changes.ctl(daemon, "reload", "--json"))
        #expect(((edited["warnings"] as? [String]) ?? []).contains { $0.contains("busan-2019") }, "\(edited)")
        let again = try changes.json(await changes.ctl(daemon, "reload", "--json"))
        #expect(!((again["warnings"] as? [String]) ?? []).contains { $0.contains("busan-2019") }, "\(again)")
        // The text reply says it once.
        let text = await changes.ctl(daemon, "reload")
        #expect(text.output.hasPrefix("configuration and catalog reloaded: "), "\(text.output)")
        #expect(!text.output.contains("reloaded: configuration"), "\(text.output)")
    }

    @Test func aStartWithACatalogMissingACityInUseWarnsNamingIt() async throws {
        let (first, catalogPath, shipped, directory) = try daemonWithEditableCatalog()
        defer { directory.remove() }
        #expect(await changes.ctl(first, "subscribe", "busan", "--email", "a@example.org", "--quiet").status == 0)
        first.stop()
        try withoutBusan(shipped).write(toFile: catalogPath, atomically: true, encoding: .utf8)
        let captured = CapturedLines()
        let settings = LogSettings()
        let sink = captured.sink
        let logger = Logger(label: "concertd") {
            DaemonLogHandler(label: $0, settings: settings, environment: [:], metadataProvider: nil, write: sink)
        }
        let second = try TestDaemon(
            catalog: catalogPath, stateDirectory: first.directory + "/state", logSettings: settings, logger: logger)
        defer { second.remove() }
        #expect(
            captured.all.contains {
                $0.contains("warning") && $0.contains("city 'busan'") && $0.contains("1 subscription")
            },
            "\(captured.all)")
    }
}

/// `concertd check-config` reads the database (read-only) and names a city the catalog drops
/// while something still names it.
@Suite(.serialized, .timeLimit(.minutes(1))) struct CheckConfigCityInUseTests {
    @Test func checkConfigNamesACityInUseThatTheCatalogDrops() async throws {
        let cities = CatalogReloadCityTests()
        let (daemon, catalogPath, shipped, directory) = try cities.daemonWithEditableCatalog()
        defer {
            daemon.remove()
            directory.remove()
        }
        #expect(
            await cities.changes.ctl(daemon, "subscribe", "busan", "--email", "a@example.org", "--quiet").status == 0)
        try cities.withoutBusan(shipped).write(toFile: catalogPath, atomically: true, encoding: .utf8)
        let check = try CheckConfigTests().checkConfig(
            ["--catalog", catalogPath, "--state-dir", daemon.directory + "/state"], directory: daemon.directory)
        #expect(check.status == 78, "\(check.output)\(check.error)")
        #expect(check.error.contains("city 'busan'") && check.error.contains("1 subscription"), "\(check.error)")
    }

    /// The daemon runs on a shifted 2019 clock: a concert it added for December 2019 is not over
    /// for it, and check-config given the same --clock-start names it as the reload does.
    @Test func checkConfigNamesTheConcertAddedWithConcertctlThatAReloadNames() async throws {
        let cities = CatalogReloadCityTests()
        let (daemon, catalogPath, shipped, directory) = try cities.daemonWithEditableCatalog()
        defer {
            daemon.remove()
            directory.remove()
        }
        let added = await cities.changes.ctl(
            daemon, "concert", "add", "--city", "busan", "--title", "T", "--start", "2019-12-20T14:00")
        #expect(added.status == 0, "\(added.error)")
        try cities.withoutBusan(shipped).write(toFile: catalogPath, atomically: true, encoding: .utf8)
        let reload = await cities.changes.ctl(daemon, "reload")
        #expect(reload.error.contains("busan-2019-12-20"), "\(reload.error)")
        let check = try CheckConfigTests().checkConfig(
            [
                "--catalog", catalogPath, "--state-dir", daemon.directory + "/state", "--clock-start",
                "2019-10-20T00:00+09:00",
            ], directory: daemon.directory)
        #expect(check.status == 78, "\(check.output)\(check.error)")
        #expect(check.error.contains("busan-2019-12-20"), "\(check.error)")
    }
}

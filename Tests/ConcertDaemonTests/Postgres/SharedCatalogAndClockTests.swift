import ConcertCore
import ConcertPostgres
import Foundation
import Logging
import PostgresTestSupport
import Testing

@testable import ConcertDaemon

/// Instances sharing a PostgreSQL store share one catalog and one clock: a start whose file
/// differs keeps the database's catalog and says so, a reload on one instance is followed by the
/// others, and a start with other clock flags than the running instances' is refused.
@Suite(.serialized, .timeLimit(.minutes(2))) struct SharedCatalogAndClockTests {
    let cities = CatalogReloadCityTests()
    var changes: ConcertChangeTests { cities.changes }

    /// The shipped catalog with Busan's concert ending an hour earlier, in a file of its own.
    func editedCatalog(in directory: TemporarySocket) throws -> (path: String, catalog: Catalog) {
        let path = directory.directory + "/edited.json5"
        try String(contentsOfFile: TestDaemon.catalogPath, encoding: .utf8)
            .replacingOccurrences(of: "2019-10-25T18:00+09:00", with: "2019-10-25T17:00+09:00")
            .write(toFile: path, atomically: true, encoding: .utf8)
        return (path, try CatalogLoader().load(path: path))
    }

    func catalogStatus(_ daemon: TestDaemon) async throws -> [String: Any] {
        try #require(try changes.json(await changes.ctl(daemon, "status", "--json"))["catalog"] as? [String: Any])
    }

    @Test func aStartKeepsTheDatabasesCatalogAndAReloadElsewhereIsFollowed() async throws {
        let shipped = try CatalogLoader().load(path: TestDaemon.catalogPath)
        let directory = TemporarySocket()
        defer { directory.remove() }
        let (editedPath, edited) = try editedCatalog(in: directory)
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let a = try await TestDaemon.onPostgres(url, instance: "a")
        defer { a.remove() }
        let captured = CapturedLines()
        let settings = LogSettings()
        let sink = captured.sink
        let logger = Logger(label: "concertd") {
            DaemonLogHandler(label: $0, settings: settings, environment: [:], metadataProvider: nil, write: sink)
        }
        let b = try await TestDaemon.onPostgres(
            url, instance: "b", catalog: editedPath, logSettings: settings, logger: logger)
        defer { b.remove() }
        // One journal line says which version is in force, which the file has, and what takes it.
        let line = captured.all.filter { $0.contains("catalog file not imported") }
        #expect(line.count == 1, "\(captured.all)")
        #expect(line.first?.contains("warning") == true, "\(line)")
        #expect(line.first?.contains("\(editedPath) is version \(edited.version)") == true, "\(line)")
        #expect(line.first?.contains("catalog in force is version \(shipped.version)") == true, "\(line)")
        #expect(line.first?.contains("by instance a") == true, "\(line)")
        #expect(line.first?.contains("concertctl reload") == true, "\(line)")
        // b's file differs from the catalog a imported: b keeps the database's and says so.
        #expect(b.daemon.catalog.version == shipped.version)
        #expect(try await changes.concert(b, "busan-2019")["end"] as? String == "2019-10-25T18:00:00+09:00")
        let kept = try await catalogStatus(b)
        #expect(kept["version"] as? String == shipped.version)
        #expect(kept["taken_by"] as? String == "a")
        #expect(kept["file_version"] as? String == edited.version)
        #expect(await changes.ctl(b, "status").output.contains("NOT imported: concertctl reload takes it"))
        // check-config says the same before a start.
        let checks = CheckConfigTests()
        let check = try checks.checkConfig(
            [try checks.postgresConfig(url, in: directory), "--catalog", editedPath], directory: directory.directory)
        #expect(check.status == 0, "\(check.output)\(check.error)")
        #expect(
            check.output.contains(
                "by instance a); this file is version \(edited.version): a start keeps the database's catalog; concertctl reload takes the file"
            ), "\(check.output)")

        // A reload on b takes its file; a follows it, told by b's notice.
        #expect(await changes.ctl(b, "reload").status == 0)
        #expect(try await changes.concert(a, "busan-2019")["end"] as? String == "2019-10-25T17:00:00+09:00")
        let deadline = ContinuousClock.now + .seconds(10)
        while a.daemon.catalog.version != edited.version, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(a.daemon.catalog.version == edited.version)
        let followed = try await catalogStatus(a)
        #expect(followed["version"] as? String == edited.version)
        #expect(followed["taken_by"] as? String == "b")
        #expect(followed["file_version"] as? String == shipped.version)
        #expect(try await catalogStatus(b)["file_version"] as? String == edited.version)
    }

    @Test func anInstanceStartedWithTheSameClockFlagsRunsOnTheFirstOnesClock() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let a = try await TestDaemon.onPostgres(url, instance: "a", clockRate: "3600")
        defer { a.remove() }
        try await Task.sleep(for: .milliseconds(500))
        let b = try await TestDaemon.onPostgres(url, instance: "b", clockRate: "3600")
        defer { b.remove() }
        // An hour a second: half a second apart, their own clocks would be 30 minutes apart.
        let gap = abs(a.daemon.clock.now().timeIntervalSince(b.daemon.clock.now()))
        #expect(gap < 300, "\(gap) s apart")
    }

    @Test func anInstanceStartedWithOtherClockFlagsIsRefusedWithTheReason() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let a = try await TestDaemon.onPostgres(url, instance: "a")
        defer { a.remove() }
        do {
            let b = try await TestDaemon.onPostgres(url, instance: "b", clockStart: "2019-10-21T00:00")
            b.remove()
            Issue.record("an instance with another --clock-start started")
        } catch let error as Daemon.StartupError {
            #expect(error.kind == .configuration)
            #expect("\(error)".contains("--clock-start 2019-10-20T00:00:00+09:00"), "\(error)")
            #expect("\(error)".contains("--clock-start 2019-10-21T00:00:00+09:00"), "\(error)")
            #expect("\(error)".contains("instance a"), "\(error)")
        }
    }
}

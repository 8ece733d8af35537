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
        #expect(await changes.ctl(b, "status").output.contains("NOT imported: concertctl reload --take-file takes it"))
        // check-config says the same before a start.
        let checks = CheckConfigTests()
        let check = try checks.checkConfig(
            [try checks.postgresConfig(url, in: directory), "--catalog", editedPath], directory: directory.directory)
        #expect(check.status == 0, "\(check.output)\(check.error)")
        #expect(
            check.output.contains(
                "by instance a); this file is version \(edited.version): a start keeps the database's catalog; concertctl reload --take-file takes the file"
            ), "\(check.output)")

        // A reload with --take-file on b takes its file; a follows it, told by b's notice.
        #expect(await changes.ctl(b, "reload", "--take-file").status == 0)
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

    /// A reload on an instance whose file did not change since it last read it keeps a newer
    /// catalog another instance made the one in force; `--take-file`, or an edited file, takes it.
    @Test func aReloadOfAnUnchangedFileKeepsTheCatalogInForce() async throws {
        let shipped = try CatalogLoader().load(path: TestDaemon.catalogPath)
        let directory = TemporarySocket()
        defer { directory.remove() }
        let (editedPath, edited) = try editedCatalog(in: directory)
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let captured = CapturedLines()
        let settings = LogSettings()
        let sink = captured.sink
        let logger = Logger(label: "concertd") {
            DaemonLogHandler(label: $0, settings: settings, environment: [:], metadataProvider: nil, write: sink)
        }
        let aFile = directory.directory + "/a.json5"
        try FileManager.default.copyItem(atPath: TestDaemon.catalogPath, toPath: aFile)
        let a = try await TestDaemon.onPostgres(
            url, instance: "a", catalog: aFile, logSettings: settings, logger: logger)
        defer { a.remove() }
        let b = try await TestDaemon.onPostgres(url, instance: "b", catalog: editedPath)
        defer { b.remove() }
        #expect(await changes.ctl(b, "reload", "--take-file").status == 0)
        let deadline = ContinuousClock.now + .seconds(10)
        while a.daemon.catalog.version != edited.version, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(a.daemon.catalog.version == edited.version)

        // a's file is what a read at its start: its reload keeps b's catalog, and says so.
        let kept = await changes.ctl(a, "reload")
        #expect(kept.status == 0, "\(kept.error)")
        let reply = kept.output + kept.error
        #expect(reply.contains("catalog in force kept: version \(edited.version)"), "\(reply)")
        #expect(reply.contains("by instance b"), "\(reply)")
        #expect(
            reply.contains("\(aFile) is version \(shipped.version), unchanged since this instance last read it"),
            "\(reply)")
        #expect(reply.contains("concertctl reload --take-file"), "\(reply)")
        #expect(try a.postgres.catalogInForce()?.version == edited.version)
        #expect(a.daemon.catalog.version == edited.version)
        #expect(try await changes.concert(a, "busan-2019")["end"] as? String == "2019-10-25T17:00:00+09:00")
        let journal = captured.all.filter { $0.contains("catalog in force kept") }
        #expect(journal.count == 1, "\(captured.all)")
        #expect(journal.first?.contains("--take-file") == true, "\(journal)")
        // A SIGHUP's reload does the same.
        _ = try a.daemon.reload(requestedBy: .signal("SIGHUP"))
        #expect(try a.postgres.catalogInForce()?.version == edited.version)

        // --take-file takes the file all the same.
        #expect(await changes.ctl(a, "reload", "--take-file").status == 0)
        #expect(try a.postgres.catalogInForce()?.version == shipped.version)
        #expect(try await changes.concert(a, "busan-2019")["end"] as? String == "2019-10-25T18:00:00+09:00")

        // b's file unchanged: kept; then edited on b's machine: taken.
        #expect(await changes.ctl(b, "reload").status == 0)
        #expect(try b.postgres.catalogInForce()?.version == shipped.version)
        try String(contentsOfFile: editedPath, encoding: .utf8)
            .replacingOccurrences(of: "2019-10-25T17:00+09:00", with: "2019-10-25T16:00+09:00")
            .write(toFile: editedPath, atomically: true, encoding: .utf8)
        let reEdited = try CatalogLoader().load(path: editedPath)
        #expect(await changes.ctl(b, "reload").status == 0)
        #expect(try b.postgres.catalogInForce()?.version == reEdited.version)
    }

    /// A start that kept the database's catalog read its file: a plain reload keeps it too, and
    /// the start's journal line and `status` name what takes the file.
    @Test func aStartThatKeptTheDatabasesCatalogNamesTakeFile() async throws {
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
        let line = captured.all.filter { $0.contains("catalog file not imported") }
        #expect(line.first?.contains("concertctl reload --take-file") == true, "\(line)")
        #expect(await changes.ctl(b, "status").output.contains("NOT imported: concertctl reload --take-file takes it"))
        #expect(await changes.ctl(b, "reload").status == 0)
        #expect(try b.postgres.catalogInForce()?.version == shipped.version)
        #expect(await changes.ctl(b, "reload", "--take-file").status == 0)
        #expect(try b.postgres.catalogInForce()?.version == edited.version)
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

import ConcertCore
import ConcertProtocol
import Foundation
import Logging
import Testing

@testable import ConcertDaemon

/// The catalog in force, kept in the database: a SQLite daemon takes its file at every start and
/// reload, as before; `status` shows the version in force and the file's; a daemon follows a
/// catalog another instance made the one in force; and a start on a shared store keeps the
/// database's catalog when its file differs, saying so.
@Suite(.serialized, .timeLimit(.minutes(1))) struct CatalogInForceDaemonTests {
    let cities = CatalogReloadCityTests()
    var changes: ConcertChangeTests { cities.changes }

    static let shipped = try! CatalogLoader().load(path: TestDaemon.catalogPath)

    /// The shipped catalog with one more city, as another instance's file might have it.
    static var withTestville: Catalog {
        Catalog(
            cities: shipped.cities + [
                City(id: "testville", shortName: "테스트", fullName: "테스트시", englishName: "Testville")
            ],
            concerts: shipped.concerts, infoURL: shipped.infoURL)
    }

    func status(_ daemon: TestDaemon) async throws -> [String: Any] {
        try #require(try changes.json(await changes.ctl(daemon, "status", "--json"))["catalog"] as? [String: Any])
    }

    @Test func statusShowsTheCatalogInForceAndTheFile() async throws {
        let (daemon, catalogPath, _, directory) = try cities.daemonWithEditableCatalog()
        defer {
            daemon.remove()
            directory.remove()
        }
        let catalog = try await status(daemon)
        #expect(catalog["version"] as? String == Self.shipped.version)
        #expect(catalog["file"] as? String == catalogPath)
        #expect(catalog["file_version"] as? String == Self.shipped.version)
        #expect((catalog["taken_at"] as? String)?.hasPrefix("2019-10-20T00:00") == true, "\(catalog)")
        let text = await changes.ctl(daemon, "status")
        #expect(text.output.contains("catalog        \(Self.shipped.version) (\(catalogPath))"), "\(text.output)")
        #expect(!text.output.contains("NOT imported"), "\(text.output)")
        #expect(try daemon.sqlite.catalogInForce()?.version == Self.shipped.version)
    }

    /// `status` reads the file as it is now: an edit not yet taken shows, a file restored to the
    /// version in force shows it in force again, and a missing file is named as such.
    @Test func statusShowsTheFileAsItIsNow() async throws {
        let (daemon, catalogPath, shipped, directory) = try cities.daemonWithEditableCatalog()
        defer {
            daemon.remove()
            directory.remove()
        }
        try shipped.replacingOccurrences(of: "2019-10-25T18:00+09:00", with: "2019-10-25T17:00+09:00").write(
            toFile: catalogPath, atomically: true, encoding: .utf8)
        let edited = try CatalogLoader().load(path: catalogPath)
        let changed = try await status(daemon)
        #expect(changed["version"] as? String == Self.shipped.version)
        #expect(changed["file_version"] as? String == edited.version, "\(changed)")
        // On SQLite a plain reload takes an edited file.
        #expect(await changes.ctl(daemon, "status").output.contains("NOT imported: concertctl reload takes it"))

        try shipped.write(toFile: catalogPath, atomically: true, encoding: .utf8)
        let restored = try await status(daemon)
        #expect(restored["file_version"] as? String == Self.shipped.version, "\(restored)")
        #expect(restored["file_problem"] == nil)
        #expect(!(await changes.ctl(daemon, "status").output.contains("NOT imported")))

        try FileManager.default.removeItem(atPath: catalogPath)
        let missing = try await status(daemon)
        #expect(missing["file_version"] as? String == Self.shipped.version)
        #expect((missing["file_problem"] as? String)?.contains("No such file") == true, "\(missing)")
        let text = await changes.ctl(daemon, "status").output
        #expect(text.contains("the file \(catalogPath) cannot be read now: "), "\(text)")
    }

    /// What a SQLite operator does today: edit the file, restart; the edit is taken at start.
    @Test func aSQLiteDaemonTakesItsEditedFileAtStart() async throws {
        let (first, catalogPath, shipped, directory) = try cities.daemonWithEditableCatalog()
        defer { directory.remove() }
        first.stop()
        try shipped.replacingOccurrences(of: "2019-10-25T18:00+09:00", with: "2019-10-25T17:00+09:00").write(
            toFile: catalogPath, atomically: true, encoding: .utf8)
        let edited = try CatalogLoader().load(path: catalogPath)
        let second = try TestDaemon(catalog: catalogPath, stateDirectory: first.directory + "/state")
        defer { second.remove() }
        #expect(try await changes.concert(second, "busan-2019")["end"] as? String == "2019-10-25T17:00:00+09:00")
        let catalog = try await status(second)
        #expect(catalog["version"] as? String == edited.version)
        #expect(catalog["file_version"] as? String == edited.version)
        #expect(second.daemon.catalog == edited)
    }

    @Test func aReloadMakesTheFileTheCatalogInForce() async throws {
        let (daemon, catalogPath, shipped, directory) = try cities.daemonWithEditableCatalog()
        defer {
            daemon.remove()
            directory.remove()
        }
        try shipped.replacingOccurrences(of: "2019-10-25T18:00+09:00", with: "2019-10-25T17:00+09:00").write(
            toFile: catalogPath, atomically: true, encoding: .utf8)
        #expect(await changes.ctl(daemon, "reload").status == 0)
        let edited = try CatalogLoader().load(path: catalogPath)
        #expect(try daemon.sqlite.catalogInForce()?.version == edited.version)
        let catalog = try await status(daemon)
        #expect(catalog["version"] as? String == edited.version)
        #expect(catalog["file_version"] as? String == edited.version)
    }

    @Test func theDaemonFollowsACatalogAnotherInstanceMadeTheOneInForce() async throws {
        let (daemon, _, _, directory) = try cities.daemonWithEditableCatalog()
        defer {
            daemon.remove()
            directory.remove()
        }
        #expect(try daemon.daemon.followCatalogInForce() == false)
        // Another instance's reload, through the same database.
        try daemon.sqlite.importCatalog(Self.withTestville, now: daemon.daemon.clock.now(), previous: Self.shipped)
        #expect(daemon.daemon.catalog.city(id: "testville") == nil)
        #expect(try daemon.daemon.followCatalogInForce() == true)
        #expect(daemon.daemon.catalog == Self.withTestville)
        #expect(try daemon.daemon.followCatalogInForce() == false)
        let catalog = try await status(daemon)
        #expect(catalog["version"] as? String == Self.withTestville.version)
        #expect(catalog["file_version"] as? String == Self.shipped.version)
        let text = await changes.ctl(daemon, "status")
        #expect(text.output.contains("NOT imported"), "\(text.output)")
        #expect(text.output.contains("concertctl reload"), "\(text.output)")
        // A subscription to the city only the catalog in force has is taken.
        let subscribe = await changes.ctl(daemon, "subscribe", "testville", "--email", "t@example.org", "--quiet")
        #expect(subscribe.status == 0, "\(subscribe.error)")
    }

    /// SQLite's file is the only catalog: a reload takes it even when unchanged since the daemon
    /// last read it and another catalog is in force; so does the rule for a shared store with
    /// `--take-file` or an edited file.
    @Test func aSQLiteReloadTakesItsUnchangedFileOverAnotherCatalogInForce() async throws {
        let (daemon, _, _, directory) = try cities.daemonWithEditableCatalog()
        defer {
            daemon.remove()
            directory.remove()
        }
        try daemon.sqlite.importCatalog(Self.withTestville, now: daemon.daemon.clock.now(), previous: Self.shipped)
        #expect(try daemon.daemon.followCatalogInForce() == true)
        let reload = await changes.ctl(daemon, "reload")
        #expect(reload.status == 0, "\(reload.error)")
        #expect(!reload.output.contains("catalog in force kept"), "\(reload.output)")
        #expect(try daemon.sqlite.catalogInForce()?.version == Self.shipped.version)
        #expect(daemon.daemon.catalog == Self.shipped)
        let other = CatalogInForce(catalog: Self.withTestville, version: Self.withTestville.version, takenAt: Date())
        let file = Self.shipped
        let rule = { (lastRead: String, shared: Bool, takeFile: Bool) in
            Daemon.catalogKeptAtReload(
                file: file, lastRead: lastRead, inForce: other, shared: shared, takeFile: takeFile)
        }
        #expect(rule(file.version, true, false) == other)
        #expect(rule(file.version, false, false) == nil)
        #expect(rule(file.version, true, true) == nil)
        #expect(rule("0123456789abcdef", true, false) == nil)
        #expect(
            Daemon.catalogKeptAtReload(
                file: file, lastRead: file.version,
                inForce: CatalogInForce(catalog: file, version: file.version, takenAt: Date()), shared: true,
                takeFile: false) == nil)
    }

    /// Another instance's import committing between this daemon's import and its read of the
    /// record: the daemon records its own catalog, and a later follow takes the other one.
    @Test func aFollowAfterARecordReadPastTheDaemonsOwnImportTakesTheCatalogInForce() async throws {
        let (daemon, _, _, directory) = try cities.daemonWithEditableCatalog()
        defer {
            daemon.remove()
            directory.remove()
        }
        try daemon.sqlite.importCatalog(Self.withTestville, now: daemon.daemon.clock.now(), previous: Self.shipped)
        let read = try daemon.sqlite.catalogInForce()
        let record = Daemon.record(of: Self.shipped, read: read, takenAt: Date(), takenBy: "a")
        #expect(record.version == Self.shipped.version && record.takenBy == "a")
        #expect(Daemon.record(of: Self.withTestville, read: read, takenAt: Date(), takenBy: "a") == read)
        // The daemon holds the shipped catalog while its record is, wrongly, the newer one's.
        daemon.daemon.lock.withLock { daemon.daemon.currentCatalogInForce = read }
        #expect(try daemon.daemon.followCatalogInForce() == true)
        #expect(daemon.daemon.catalog == Self.withTestville)
    }

    /// check-config compares the file with the catalog in force in the database, and says what a
    /// start will do with it.
    @Test func checkConfigSaysWhetherTheFileIsTheCatalogInForce() async throws {
        let (daemon, catalogPath, shipped, directory) = try cities.daemonWithEditableCatalog()
        defer {
            daemon.remove()
            directory.remove()
        }
        let arguments = ["--catalog", catalogPath, "--state-dir", daemon.directory + "/state"]
        let same = try CheckConfigTests().checkConfig(arguments, directory: daemon.directory)
        #expect(same.status == 0, "\(same.output)\(same.error)")
        #expect(
            same.output.contains("catalog in force: version \(Self.shipped.version), this file's"), "\(same.output)")
        try shipped.replacingOccurrences(of: "2019-10-25T18:00+09:00", with: "2019-10-25T17:00+09:00").write(
            toFile: catalogPath, atomically: true, encoding: .utf8)
        let edited = try CatalogLoader().load(path: catalogPath)
        let differs = try CheckConfigTests().checkConfig(arguments, directory: daemon.directory)
        #expect(differs.status == 0, "\(differs.output)\(differs.error)")
        #expect(
            differs.output.contains(
                "catalog in force: version \(Self.shipped.version); this file is version \(edited.version): a start or reload imports it"
            ), "\(differs.output)")
    }

    @Test func theCheckConfigLineOfASharedStoreSaysAStartKeepsTheDatabasesCatalog() {
        let inForce = CatalogInForce(
            catalog: Self.withTestville, version: Self.withTestville.version,
            takenAt: Date(timeIntervalSince1970: 1_571_583_600), takenBy: "east-1")
        let line = Daemon.catalogInForceReport(inForce, file: Self.shipped, shared: true)
        #expect(
            line.contains("version \(Self.withTestville.version)") && line.contains("by instance east-1"), "\(line)")
        #expect(line.contains("this file is version \(Self.shipped.version)"), "\(line)")
        #expect(
            line.contains("a start keeps the database's catalog; concertctl reload --take-file takes the file"),
            "\(line)")
        #expect(
            Daemon.catalogInForceReport(nil, file: Self.shipped, shared: true).contains("a start imports this file"))
    }

    @Test func aStartTakesItsFileUnlessASharedStoreKeepsAnotherCatalog() throws {
        let file = Self.shipped
        let other = CatalogInForce(catalog: Self.withTestville, version: Self.withTestville.version, takenAt: Date())
        let same = CatalogInForce(catalog: file, version: file.version, takenAt: Date())
        #expect(Daemon.catalogAtStart(file: file, inForce: nil, shared: false) == .importFile)
        #expect(Daemon.catalogAtStart(file: file, inForce: nil, shared: true) == .importFile)
        #expect(Daemon.catalogAtStart(file: file, inForce: other, shared: false) == .importFile)
        #expect(Daemon.catalogAtStart(file: file, inForce: same, shared: false) == .importFile)
        #expect(Daemon.catalogAtStart(file: file, inForce: same, shared: true) == .fileInForce)
        #expect(Daemon.catalogAtStart(file: file, inForce: other, shared: true) == .keepInForce(other))
    }

    @Test func theJournalLineOfAFileNotImportedSaysBothVersionsAndWhatTakesTheFile() {
        let inForce = CatalogInForce(
            catalog: Self.withTestville, version: Self.withTestville.version,
            takenAt: Date(timeIntervalSince1970: 1_571_583_600), takenBy: "east-1")
        let line = Daemon.catalogFileNotImported(
            path: "/etc/concertd/concerts.json5", fileVersion: Self.shipped.version, inForce: inForce)
        #expect(line.contains("/etc/concertd/concerts.json5"))
        #expect(line.contains(Self.shipped.version) && line.contains(Self.withTestville.version))
        #expect(line.contains("east-1"))
        #expect(line.contains("not imported"))
        #expect(line.contains("concertctl reload"))
        #expect(!line.contains("\n"))
    }
}

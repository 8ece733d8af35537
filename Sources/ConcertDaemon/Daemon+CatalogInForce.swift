import ConcertCore
import Foundation

/// What a start does with its catalog file, given the catalog in force in the store.
enum CatalogAtStart: Equatable {
    /// Import the file: the store has no catalog yet, or it is a SQLite file, which one daemon
    /// owns and whose operator edits the file and restarts to take it, as always.
    case importFile
    /// The file is the catalog in force already (a shared store): nothing to import.
    case fileInForce
    /// A shared store keeps another catalog: it stays in force and the file is not imported. A
    /// stale file on one instance would otherwise cancel the concerts it lacks and tell every
    /// subscriber; `concertctl reload` takes an edited file, `reload --take-file` any file.
    case keepInForce(CatalogInForce)
}

extension Daemon {
    /// What a start with the catalog `file` does, given the store's catalog in force and whether
    /// instances share the store (``StoreMaintenance/sharedByInstances``).
    static func catalogAtStart(file: Catalog, inForce: CatalogInForce?, shared: Bool) -> CatalogAtStart {
        guard shared, let inForce else { return .importFile }
        return inForce.version == file.version ? .fileInForce : .keepInForce(inForce)
    }

    /// The journal line of a start that keeps the database's catalog: both versions, and what
    /// takes the file.
    static func catalogFileNotImported(path: String, fileVersion: String, inForce: CatalogInForce) -> String {
        let taken = takenDescription(inForce)
        return "catalog file not imported: \(path) is version \(fileVersion), the database's catalog in force is "
            + "version \(inForce.version) (\(taken)) and stays in force; `concertctl reload --take-file` on one "
            + "instance takes the file and the others follow"
    }

    /// When and by which instance the catalog in force was taken, as the journal lines say it.
    private static func takenDescription(_ inForce: CatalogInForce) -> String {
        "taken \(KoreaTime.iso8601(inForce.takenAt))" + (inForce.takenBy.map { " by instance \($0)" } ?? "")
    }

    /// The catalog in force a reload keeps instead of importing `file`, if any: on a store
    /// instances share, when the file is the one this instance last read (`lastRead`, at its start
    /// or last reload) and another catalog is in force. Another instance took that catalog since,
    /// and this file is older news: importing it would put the older catalog back for every
    /// instance and send its change notices again. An edited file, `--take-file`, or a SQLite
    /// store (whose file is the only catalog) imports the file.
    static func catalogKeptAtReload(
        file: Catalog, lastRead: String, inForce: CatalogInForce?, shared: Bool, takeFile: Bool
    ) -> CatalogInForce? {
        guard shared, !takeFile, let inForce, file.version == lastRead, inForce.version != file.version else {
            return nil
        }
        return inForce
    }

    /// The reply and journal line of a reload that kept the catalog in force: which version, taken
    /// when and by which instance, that the file is unchanged, and what takes it anyway.
    static func catalogKeptLine(path: String, fileVersion: String, inForce: CatalogInForce) -> String {
        let taken = takenDescription(inForce)
        return "catalog in force kept: version \(inForce.version) (\(taken)); \(path) is version \(fileVersion), "
            + "unchanged since this instance last read it, and was not imported; `concertctl reload --take-file` "
            + "imports it anyway (every instance then follows it)"
    }

    /// The record of the catalog in force for a daemon holding `held`: the store's (`read`) when
    /// it is that catalog, else one of `held` itself. Another instance's import may have committed
    /// between this daemon's import and its read: recording that one would make
    /// ``followCatalogInForce()`` see nothing to follow while the daemon holds another catalog.
    static func record(of held: Catalog, read: CatalogInForce?, takenAt: Date, takenBy: String?) -> CatalogInForce {
        if let read, read.version == held.version { return read }
        return CatalogInForce(catalog: held, version: held.version, takenAt: takenAt, takenBy: takenBy)
    }

    /// check-config's line on the catalog in force in the store against the file, and what a
    /// start does with the file (``catalogAtStart(file:inForce:shared:)``).
    static func catalogInForceReport(_ inForce: CatalogInForce?, file: Catalog, shared: Bool) -> String {
        let fileVersion = file.version
        guard let inForce else {
            return "catalog in force: none in the database yet; a start imports this file (version \(fileVersion))"
        }
        let taken = takenDescription(inForce)
        switch catalogAtStart(file: file, inForce: inForce, shared: shared) {
        case .importFile where inForce.version == fileVersion, .fileInForce:
            return "catalog in force: version \(inForce.version), this file's (\(taken))"
        case .importFile:
            return "catalog in force: version \(inForce.version); this file is version \(fileVersion): "
                + "a start or reload imports it"
        case .keepInForce:
            return "catalog in force: version \(inForce.version) (\(taken)); this file is version \(fileVersion): "
                + "a start keeps the database's catalog; concertctl reload --take-file takes the file"
        }
    }

    /// Takes the catalog in force from the store when it is not the one this daemon holds: another
    /// instance's reload made a new one. The scheduler renders with it from then on and is woken
    /// for the reminders and notices that reload planned. Returns whether it changed.
    ///
    /// Called when another instance says the catalog changed (a `NOTIFY` of the catalog's kind,
    /// on a store instances share); a daemon's own reload needs no call.
    @discardableResult
    public func followCatalogInForce() throws -> Bool {
        catalogChange.lock()
        defer { catalogChange.unlock() }
        guard let inForce = try database.catalogInForce() else { return false }
        let changed = lock.withLock { () -> Bool in
            guard currentCatalog.version != inForce.version else { return false }
            currentCatalog = inForce.catalog
            currentCatalogInForce = inForce
            return true
        }
        guard changed else { return false }
        scheduler.update(catalog: inForce.catalog)
        scheduler.wake()
        logger.notice(
            "catalog in force changed by another instance; following it",
            metadata: [
                "catalog.version": "\(inForce.version)", "catalog.taken_by": "\(inForce.takenBy ?? "-")",
                "concerts": "\(inForce.catalog.concerts.count)",
            ])
        return true
    }

    /// The catalog in force and the file, as `status` shows them: the file as it is now
    /// (``CatalogFileLook``), or as last read with why it cannot be read now.
    var catalogStatus: (inForce: CatalogInForce?, fileVersion: String, fileProblem: String?) {
        let (inForce, lastRead) = lock.withLock { (currentCatalogInForce, catalogFileVersion) }
        switch catalogFileLook.version(of: resolved.paths.catalogPath) {
        case .success(let version): return (inForce, version, nil)
        case .failure(let problem): return (inForce, lastRead, problem.text)
        }
    }
}

/// The catalog file's version as it is now, for `status`: read and hashed again only when its
/// inode, size or time of change differ from the last look, so a `status` costs a `stat` while
/// the file stays as it is. Bounded as every read of it (`FileContents`: no FIFO, at most 64 MiB).
final class CatalogFileLook: @unchecked Sendable {
    // @unchecked: `last` is guarded by `lock`.
    struct Problem: Error { var text: String }
    private struct Identity: Equatable {
        var device: UInt64
        var inode: UInt64
        var size: Int64
        var changed: timespec
        static func == (a: Self, b: Self) -> Bool {
            a.device == b.device && a.inode == b.inode && a.size == b.size
                && a.changed.tv_sec == b.changed.tv_sec && a.changed.tv_nsec == b.changed.tv_nsec
        }
    }
    private let lock = NSLock()
    private var last: (path: String, identity: Identity, result: Result<String, Problem>)?

    func version(of path: String) -> Result<String, Problem> {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return .failure(Problem(text: "cannot read the file: \(String(cString: strerror(errno)))"))
        }
        let identity = Identity(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            changed: info.st_ctim)
        if let last = lock.withLock({ last }), last.path == path, last.identity == identity { return last.result }
        let result: Result<String, Problem>
        do {
            result = .success(try CatalogLoader().load(path: path).version)
        } catch {
            let problems = error.problems
            result = .failure(
                Problem(
                    text: problems.count == 1
                        ? problems[0] : "it has \(problems.count) problems (concertd check-config lists them)"))
        }
        lock.withLock { last = (path, identity, result) }
        return result
    }
}

import Foundation

/// What the concert rules need of an engine, inside the transaction of one import or change: its
/// reads of nothing, its writes in the engine's SQL.
package protocol ConcertSteps {
    /// Stores the new `concert`, revision 1, with its cities.
    func insert(_ concert: Concert, origin: StoredConcert.Origin, now: Date) throws
    /// Writes `concert` over the stored concert of its id, with `origin` and `revision`, and its
    /// cities again when `citiesChanged`.
    func write(_ concert: Concert, origin: StoredConcert.Origin, revision: Int, citiesChanged: Bool, now: Date) throws
    /// Plans what a new concert implies: its subscribers' reminders and their notices.
    func concertAdded(_ concert: StoredConcert, now: Date) throws -> NoticeTally
    /// Plans what a new time or venue implies: reminders planned again and notices.
    func concertRevised(from old: StoredConcert, to new: StoredConcert, now: Date) throws -> NoticeTally
    /// Plans what a cancellation implies: pending reminders skipped and notices.
    func concertCancelled(_ concert: StoredConcert, now: Date) throws -> NoticeTally
}

/// Which concerts an import or a change through concertctl adds, changes or keeps, what a change
/// does to a concert's revision, and the refusals: the same rules on every engine
/// (``ConcertStore``), over the engine's steps.
package enum ConcertRules {
    /// Stores the catalog's concerts over those `stored`: new ones are added, changed ones
    /// updated (a new revision when time, venue or status change), and catalog concerts missing
    /// from the file cancelled. Concerts changed through concertctl keep their admin version, and
    /// are named in the result when the file's entry differs and changed since `previous` (the
    /// catalog in force before; without it, whenever it differs), or when the file no longer lists
    /// them.
    package static func importCatalog(
        _ catalog: Catalog, over stored: [StoredConcert], previous: Catalog?, now: Date, _ steps: some ConcertSteps
    ) throws -> ConcertChanges {
        var changes = ConcertChanges()
        var stored = stored.reduce(into: [String: StoredConcert]()) { $0[$1.concert.id] = $1 }
        for concert in catalog.concerts {
            if let existing = stored.removeValue(forKey: concert.id) {
                if existing.origin == .admin {
                    // Named when the file's entry differs and was edited since the catalog in
                    // force (every entry, when there is none: at start).
                    if existing.concert != concert && previous?.concert(id: concert.id) != concert {
                        changes.keptAdminVersion.append(concert.id)
                    }
                    continue
                }
                try update(from: existing, to: concert, origin: .catalog, now: now, &changes, steps)
            } else {
                try steps.insert(concert, origin: .catalog, now: now)
                changes.added.append(concert.id)
                changes.count(
                    try steps.concertAdded(StoredConcert(concert: concert, origin: .catalog, revision: 1), now: now))
            }
        }
        for existing in stored.values.sorted(by: { $0.concert.id < $1.concert.id }) {
            if existing.origin == .admin {
                if previous?.concert(id: existing.concert.id) != nil {
                    changes.keptAdminVersionOfRemoved.append(existing.concert.id)
                }
                continue
            }
            guard existing.concert.status == .scheduled else { continue }
            var cancelled = existing.concert
            cancelled.status = .cancelled
            cancelled.notes.append("Removed from the catalog file; treated as cancelled.")
            try update(from: existing, to: cancelled, origin: .catalog, now: now, &changes, steps)
        }
        return changes
    }

    /// Adds `concert` through concertctl; refused when `existing`, one of the same id, is stored.
    package static func add(
        _ concert: Concert, existing: StoredConcert?, now: Date, _ steps: some ConcertSteps
    ) throws -> ConcertChanges {
        if existing != nil { throw StoreError(.conflict, "a concert with id '\(concert.id)' already exists") }
        try steps.insert(concert, origin: .admin, now: now)
        var changes = ConcertChanges()
        changes.added = [concert.id]
        changes.count(try steps.concertAdded(StoredConcert(concert: concert, origin: .admin, revision: 1), now: now))
        return changes
    }

    /// Changes the concert `id` (`existing`) through concertctl. From then on a catalog reload keeps
    /// this version. A change that leaves the concert as it was writes nothing: the concert keeps
    /// following the catalog if it did, and nobody is told.
    package static func change(
        id: String, existing: StoredConcert?, now: Date, _ change: (inout Concert) throws -> Void,
        _ steps: some ConcertSteps
    ) throws -> ConcertChanges {
        guard let existing else { throw StoreError(.notFound, "no concert with id '\(id)'") }
        var concert = existing.concert
        try change(&concert)
        var changes = ConcertChanges()
        guard concert != existing.concert else { return changes }
        try update(from: existing, to: concert, origin: .admin, now: now, &changes, steps)
        return changes
    }

    /// Gives a concert changed through concertctl (`existing`) back to the catalog:
    /// `catalogVersion` replaces it, subscribers are told as for a catalog change, and later
    /// reloads apply the file's edits to it again.
    package static func returnToCatalog(
        _ catalogVersion: Concert, existing: StoredConcert?, now: Date, _ steps: some ConcertSteps
    ) throws -> ConcertChanges {
        let id = catalogVersion.id
        guard let existing else { throw StoreError(.notFound, "no concert with id '\(id)'") }
        guard existing.origin == .admin else {
            throw StoreError(.conflict, "concert '\(id)' already follows the catalog file")
        }
        var changes = ConcertChanges()
        try update(from: existing, to: catalogVersion, origin: .catalog, now: now, &changes, steps)
        return changes
    }

    /// Writes `concert` over `existing` unless nothing changes: a new revision when the announced
    /// facts (time, venue, cancellation) change, and then what the change implies.
    private static func update(
        from existing: StoredConcert, to concert: Concert, origin: StoredConcert.Origin, now: Date,
        _ changes: inout ConcertChanges, _ steps: some ConcertSteps
    ) throws {
        guard existing.concert != concert || existing.origin != origin else { return }
        let revised = existing.concert.announcedFacts != concert.announcedFacts
        let revision = revised ? existing.revision + 1 : existing.revision
        try steps.write(
            concert, origin: origin, revision: revision, citiesChanged: existing.concert.cities != concert.cities,
            now: now)
        let updated = StoredConcert(concert: concert, origin: origin, revision: revision)
        if !revised {
            if existing.concert != concert { changes.updated.append(concert.id) }
            return
        }
        if concert.status == .cancelled && existing.concert.status == .scheduled {
            changes.cancelled.append(concert.id)
            changes.count(try steps.concertCancelled(updated, now: now))
        } else {
            changes.revised.append(concert.id)
            changes.count(try steps.concertRevised(from: existing, to: updated, now: now))
        }
    }
}

extension StoredConcert {
    /// The concert as the `body` column keeps it, the same JSON on every engine.
    package static func body(of concert: Concert) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(concert), as: UTF8.self)
    }
}

import Foundation

/// The concerts of claimed rows, read from the store once and cached, each with the number of its
/// load, until the concerts, the catalog or the channels change. Part of the scheduler's books:
/// the scheduler reads a row's concerts here before it asks for the row's message
/// (``MessageConcerts``). Confined to the scheduler's queue.
struct CachedConcerts {
    /// Concerts read from the store, each with the number of its load.
    private var concerts: [String: (concert: StoredConcert, load: Int)] = [:]
    /// The number of the last concert load.
    private var lastLoad = 0

    /// The concerts `delivery`'s message names: its own (an error when it is not stored) and, for a
    /// confirmation, the next concerts its detail lists. `read` reads a concert not cached, or
    /// cached at an older revision than the row's.
    mutating func concerts(
        for delivery: Delivery, read: (String) throws -> StoredConcert?
    ) throws -> MessageConcerts {
        let concertID = delivery.concertID
        guard let (concert, load) = try cached(concertID, revision: delivery.concertRevision, read) else {
            throw StoreError(.notFound, "concert '\(concertID)' is not stored")
        }
        var concerts = MessageConcerts(concert: concert, load: load)
        if delivery.kind == .confirmation, let detail = ConfirmationDetail(detail: delivery.detail) {
            // A concert gone from the store since the confirmation was planned is left out.
            concerts.nextConcerts = try detail.nextConcerts.compactMap { try cached($0, revision: 0, read)?.concert }
        }
        return concerts
    }

    /// The concert `id` at `revision` or later with the number of its load, read when not cached
    /// (or cached at an older revision); nil when it is not stored.
    private mutating func cached(
        _ id: String, revision: Int, _ read: (String) throws -> StoredConcert?
    ) throws -> (concert: StoredConcert, load: Int)? {
        if let cached = concerts[id], cached.concert.revision >= revision { return cached }
        guard let stored = try read(id) else { return nil }
        lastLoad += 1
        concerts[id] = (stored, lastLoad)
        return (stored, lastLoad)
    }

    /// Drops the concerts cached: they, the catalog or the channels changed.
    mutating func removeAll() {
        concerts.removeAll()
    }
}

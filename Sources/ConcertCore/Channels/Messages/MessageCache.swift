import Foundation

/// The messages of claimed rows, each distinct message built once: the concerts read from the
/// store, each with the number of its load (a reloaded concert never shares parts with its former
/// self), and the parts shared by every delivery of one message (``SharedMessageParts``, keyed by
/// ``MessageContentKey``). Confined to the scheduler's queue.
struct MessageCache {
    /// Concerts read from the store, each with the number of its load.
    private var concerts: [String: (concert: StoredConcert, load: Int)] = [:]
    /// The number of the last concert load.
    private var lastLoad = 0
    /// The parts shared by every delivery of one distinct message.
    private var sharedParts: [MessageContentKey: SharedMessageParts] = [:]

    /// The message of a claimed row, sharing its built parts with every other delivery of the same
    /// content; `readConcert` reads a concert not held, or held at an older revision.
    mutating func message(
        for item: ClaimedDelivery, catalog: Catalog, now: Date, readConcert: (String) throws -> StoredConcert?
    ) throws -> OutboundMessage {
        let concertID = item.delivery.concertID
        guard let (concert, load) = try held(concertID, revision: item.delivery.concertRevision, readConcert) else {
            throw StoreError(.notFound, "concert '\(concertID)' is not stored")
        }
        var message = OutboundMessage(
            item.delivery, of: item.subscription, concert: concert, catalog: catalog, now: now)
        if item.delivery.kind == .confirmation, let detail = ConfirmationDetail(detail: item.delivery.detail) {
            // A concert gone from the store since the confirmation was planned is left out.
            message.nextConcerts = try detail.nextConcerts.compactMap {
                try held($0, revision: 0, readConcert)?.concert
            }
        }
        let key = MessageContentKey(of: message, concertLoad: load)
        if let shared = sharedParts[key] {
            message.shared = shared
        } else {
            if sharedParts.count >= 4096 { sharedParts.removeAll(keepingCapacity: true) }
            sharedParts[key] = message.shared
        }
        return message
    }

    /// The concert `id` at `revision` or later with the number of its load, read when not held
    /// (or held at an older revision); nil when it is not stored.
    private mutating func held(
        _ id: String, revision: Int, _ readConcert: (String) throws -> StoredConcert?
    ) throws -> (concert: StoredConcert, load: Int)? {
        if let cached = concerts[id], cached.concert.revision >= revision { return cached }
        guard let stored = try readConcert(id) else { return nil }
        lastLoad += 1
        concerts[id] = (stored, lastLoad)
        return (stored, lastLoad)
    }

    /// Drops the concerts and shared parts held: the concerts, the catalog or the channels changed.
    mutating func removeAll() {
        concerts.removeAll()
        sharedParts.removeAll()
    }
}

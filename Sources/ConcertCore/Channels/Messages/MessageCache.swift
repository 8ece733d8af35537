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
        var cached = concerts[concertID]
        if cached == nil || cached!.concert.revision < item.delivery.concertRevision {
            guard let stored = try readConcert(concertID) else {
                throw StoreError(.notFound, "concert '\(concertID)' is not stored")
            }
            lastLoad += 1
            cached = (stored, lastLoad)
            concerts[concertID] = cached
        }
        let (concert, load) = cached!
        var message = OutboundMessage(
            item.delivery, of: item.subscription, concert: concert, catalog: catalog, now: now)
        let key = MessageContentKey(of: message, concertLoad: load)
        if let shared = sharedParts[key] {
            message.shared = shared
        } else {
            if sharedParts.count >= 4096 { sharedParts.removeAll(keepingCapacity: true) }
            sharedParts[key] = message.shared
        }
        return message
    }

    /// Drops the concerts and shared parts held: the concerts, the catalog or the channels changed.
    mutating func removeAll() {
        concerts.removeAll()
        sharedParts.removeAll()
    }
}

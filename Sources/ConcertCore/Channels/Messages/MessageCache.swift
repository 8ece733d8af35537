import Foundation

/// The messages of claimed rows, each distinct message built once: the parts shared by every
/// delivery of one message (``SharedMessageParts``, keyed by ``MessageContentKey``). The concerts
/// come from the scheduler (``MessageConcerts``); nothing here reads the store. Confined to the
/// scheduler's queue.
struct MessageCache {
    /// The parts shared by every delivery of one distinct message.
    private var sharedParts: [MessageContentKey: SharedMessageParts] = [:]

    /// The message of a claimed row about `concerts`, sharing its built parts with every other
    /// delivery of the same content.
    mutating func message(
        for item: ClaimedDelivery, concerts: MessageConcerts, catalog: Catalog, now: Date
    ) -> OutboundMessage {
        var message = OutboundMessage(
            item.delivery, of: item.subscription, concert: concerts.concert, catalog: catalog, now: now)
        message.nextConcerts = concerts.nextConcerts
        let key = MessageContentKey(of: message, concertLoad: concerts.load)
        if let shared = sharedParts[key] {
            message.shared = shared
        } else {
            if sharedParts.count >= 4096 { sharedParts.removeAll(keepingCapacity: true) }
            sharedParts[key] = message.shared
        }
        return message
    }

    /// Drops the shared parts held: the concerts, the catalog or the channels changed.
    mutating func removeAll() {
        sharedParts.removeAll()
    }
}

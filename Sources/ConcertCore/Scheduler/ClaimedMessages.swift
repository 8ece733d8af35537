import Foundation

/// The messages of claimed rows and what they are made from: the catalog their wording reads,
/// the concerts read from the store once (`CachedConcerts`) and the parts built once per distinct
/// message (`MessageCache`). Confined to the scheduler's queue.
struct ClaimedMessages {
    /// The cities and info URL the messages name; replaced at a reload.
    var catalog: Catalog
    private var concerts = CachedConcerts()
    private var messages = MessageCache()

    init(catalog: Catalog) {
        self.catalog = catalog
    }

    /// The message of `item`: its concerts from those cached, `read` reading one not cached, then
    /// the message as of the clock's `now` once they are read.
    mutating func message(
        for item: ClaimedDelivery, clock: any WallClock, read: (String) throws -> StoredConcert?
    ) throws -> OutboundMessage {
        let concerts = try concerts.concerts(for: item.delivery, read: read)
        return messages.message(for: item, concerts: concerts, catalog: catalog, now: clock.now())
    }

    /// Drops the concerts and shared message parts cached: the concerts, the catalog or the channels changed.
    mutating func removeAll() {
        concerts.removeAll()
        messages.removeAll()
    }
}

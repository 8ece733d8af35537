import Foundation

extension OutboundMessage {
    /// The message a delivery to `subscription` becomes (sent, or rendered for `preview`): the
    /// subscription's cities that the concert serves (all of the concert's cities when none
    /// match; every city of the subscription for its confirmation, which names each city's next
    /// concert), the facts before a change, the info URL.
    public init(
        _ delivery: Delivery, of subscription: Subscription, concert: StoredConcert, catalog: Catalog, now: Date,
        shared: SharedMessageParts = SharedMessageParts()
    ) {
        let concertCities = Set(concert.concert.cities)
        var cities = subscription.cities.filter(concertCities.contains).compactMap(catalog.city(id:))
        if delivery.kind == .confirmation { cities = subscription.cities.compactMap(catalog.city(id:)) }
        if cities.isEmpty { cities = concert.concert.cities.compactMap(catalog.city(id:)) }
        let previous = delivery.detail.flatMap {
            try? JSONDecoder().decode(PreviousFacts.self, from: Data($0.utf8))
        }
        self.init(
            delivery: delivery, subscription: subscription, concert: concert, cities: cities,
            previous: previous, infoURL: catalog.infoURL, now: now, shared: shared)
    }
}

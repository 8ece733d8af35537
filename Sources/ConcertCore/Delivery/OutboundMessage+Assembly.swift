import Foundation

extension OutboundMessage {
    /// The message a claimed delivery becomes: the subscription's cities that the concert serves
    /// (all of the concert's cities when none match), the facts before a change, the info URL.
    public init(
        _ claimed: ClaimedDelivery, concert: StoredConcert, catalog: Catalog, now: Date,
        shared: SharedMessageParts = SharedMessageParts()
    ) {
        let concertCities = Set(concert.concert.cities)
        var cities = claimed.subscription.cities.filter(concertCities.contains).compactMap(catalog.city(id:))
        if cities.isEmpty { cities = concert.concert.cities.compactMap(catalog.city(id:)) }
        let previous = claimed.delivery.detail.flatMap {
            try? JSONDecoder().decode(PreviousFacts.self, from: Data($0.utf8))
        }
        self.init(
            delivery: claimed.delivery, subscription: claimed.subscription, concert: concert, cities: cities,
            previous: previous, infoURL: catalog.infoURL, now: now, shared: shared)
    }
}

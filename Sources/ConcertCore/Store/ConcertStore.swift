import Foundation

/// The concerts: the catalog's and those changed with concertctl. Every change plans the
/// reminders and notices it implies in the same transaction.
public protocol ConcertStore: ConcertLookup {
    /// Stores the catalog's concerts: new ones are added, changed ones updated, and catalog
    /// concerts missing from the file cancelled. Concerts changed through concertctl keep that
    /// version (`previous`, the catalog in force before, tells which the file no longer lists).
    /// `catalog` becomes the catalog in force (``catalogInForce()``) in the same transaction.
    @discardableResult
    func importCatalog(_ catalog: Catalog, now: Date, previous: Catalog?) throws -> ConcertChanges

    /// The catalog the last import made the one in force, with its version; nil before the first.
    func catalogInForce() throws -> CatalogInForce?

    /// Adds a concert through concertctl.
    @discardableResult
    func addConcert(_ concert: Concert, now: Date) throws -> ConcertChanges

    /// Changes a concert through concertctl (reschedule, new venue, cancellation); a change that
    /// leaves it as it was writes nothing.
    @discardableResult
    func changeConcert(id: String, now: Date, _ change: (inout Concert) throws -> Void) throws -> ConcertChanges

    /// Gives a concert changed through concertctl back to the catalog's `catalogVersion`.
    @discardableResult
    func returnConcertToCatalog(_ catalogVersion: Concert, now: Date) throws -> ConcertChanges

    /// Every stored concert.
    func concerts() throws -> [StoredConcert]

    /// How many concerts are `cancelled`, `upcoming` (not ended at `now`) or `over`.
    func concertCounts(now: Date) throws -> [String: Int]

    /// The usage of each of `cities` that something still names; cities named by nothing are absent.
    func usage(ofCities cities: [String], now: Date) throws -> [String: CityUsage]

    /// The usage of every city something names that is not one of `known` (the catalog's): what
    /// a start with a catalog that dropped a city in use leaves behind.
    func usageOfCities(notIn known: Set<String>, now: Date) throws -> [String: CityUsage]

    /// At most `limit` concerts in start order after `after`; only those of `city` when one is
    /// given, and only scheduled ones not ended at `endingAfter` when that is given.
    func concerts(
        city: String?, endingAfter: Date?, after: ListingPosition.Concert?, limit: Int
    ) throws -> [(position: ListingPosition.Concert, entry: StoredConcert)]
}

extension ConcertStore {
    /// Stores the catalog's concerts as the first catalog in force.
    @discardableResult
    public func importCatalog(_ catalog: Catalog, now: Date) throws -> ConcertChanges {
        try importCatalog(catalog, now: now, previous: nil)
    }
}

import Foundation

/// The catalog in force, as the store keeps it beside the concerts: what every instance sharing
/// the store reminds of, whatever its own file says. A catalog import (start, `concertctl reload`)
/// makes its catalog the one in force in the same transaction (``ConcertStore/importCatalog(_:now:previous:)``).
public struct CatalogInForce: Sendable, Hashable {
    public var catalog: Catalog
    /// ``Catalog/version`` of `catalog`, as it was when imported.
    public var version: String
    /// When it was imported, on the importing daemon's clock.
    public var takenAt: Date
    /// The instance that imported it (`instance_name`), on a store instances share; nil on SQLite.
    public var takenBy: String?

    public init(catalog: Catalog, version: String, takenAt: Date, takenBy: String? = nil) {
        self.catalog = catalog
        self.version = version
        self.takenAt = takenAt
        self.takenBy = takenBy
    }
}

import Foundation

/// A concert as the database holds it: the concert, where it came from and its revision.
public struct StoredConcert: Sendable, Hashable {
    public var concert: Concert
    /// `catalog` when it comes from the catalog file; `admin` once added or changed through concertctl,
    /// after which a reload of the catalog no longer overwrites it.
    public var origin: Origin
    /// Rises by one each time the announced facts (time, venue, cancellation) change.
    public var revision: Int

    public init(concert: Concert, origin: Origin, revision: Int) {
        self.concert = concert
        self.origin = origin
        self.revision = revision
    }

    public enum Origin: String, Sendable {
        case catalog
        case admin
    }
}

import Foundation

/// One stored concert by id: what both the scheduler (a message describes its concert) and the
/// control handlers read, declared once for the interfaces that offer it.
public protocol ConcertLookup: Sendable {
    /// One concert by id, as the messages about it describe it; `nil` when it is not stored.
    func concert(id: String) throws -> StoredConcert?
}

import Foundation
import GRDB

extension AppDatabase {
    /// Each removal in a savepoint of its own inside one transaction: an id whose removal fails is
    /// rolled back alone and answered with its error, the others commit.
    public func removeSubscriptions(
        ids: [String], reason: String, now: Date
    ) throws -> [Result<WebRemovalOutcome, any Error>] {
        guard !ids.isEmpty else { return [] }
        return try writer.write { db in
            var outcomes: [Result<WebRemovalOutcome, any Error>] = []
            outcomes.reserveCapacity(ids.count)
            for id in ids {
                var outcome: WebRemovalOutcome = .notFound
                do {
                    try db.inSavepoint {
                        outcome = try Self.remove(db, id: id, reason: reason, now: now)
                        return .commit
                    }
                    outcomes.append(.success(outcome))
                } catch {
                    outcomes.append(.failure(error))
                }
            }
            return outcomes
        }
    }

    private static func remove(_ db: Database, id: String, reason: String, now: Date) throws -> WebRemovalOutcome {
        guard let found = try subscription(db, id: id) else { return .notFound }
        guard found.state != .removed else { return .alreadyRemoved(language: found.language) }
        _ = try setSubscriptionState(db, id: id, to: .removed, reason: reason, now: now)
        return .removed(language: found.language)
    }
}

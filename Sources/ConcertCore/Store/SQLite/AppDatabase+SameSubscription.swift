import Foundation
import GRDB

extension AppDatabase {
    /// Refuses `new` with a `conflict` when a subscription that is not removed already asks for
    /// the same: the same channel (address and format), cities, offsets and language. A label or
    /// a secret of its own does not make a subscription different: the channel would get the same
    /// messages, once (`claim` sends a message to one channel once).
    ///
    /// One indexed lookup (`subscription_by_target`); it sees the rows of the caller's
    /// transaction, so a bulk import finds a line repeated in its own file too.
    static func refuseSameSubscription(_ db: Database, as new: NewSubscription) throws {
        var format: String?
        if case .webhook(_, let f, _) = new.channel { format = f }
        let statement = try BoundStatement(
            db,
            cached: """
                SELECT id, cities, offsets, state FROM subscription
                WHERE target = ? AND channel = ? AND format IS ? AND lang = ? AND state <> 'removed'
                """)
        statement.bind([new.channel.target, new.channel.channelKind], from: 1)
        statement.bind(3, format)
        statement.bind(4, new.language.rawValue)
        let candidates = try statement.rows(db) { row in
            SameSubscription.Candidate(id: row.text(0), cities: row.text(1), offsets: row.text(2), state: row.text(3))
        }
        if let refusal = SameSubscription.refusal(of: new, among: candidates) { throw refusal }
    }
}

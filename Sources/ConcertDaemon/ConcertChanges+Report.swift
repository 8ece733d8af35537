import ConcertCore
import Logging

extension ConcertChanges {
    /// `1 concert added, 2 changed, 0 updated, 0 cancelled, 1 kept as changed with concertctl; 3 notices queued`.
    var summary: String {
        let kept = keptAdminVersion.count + keptAdminVersionOfRemoved.count
        return "\(added.count) concert\(added.count == 1 ? "" : "s") added, \(revised.count) changed, "
            + "\(updated.count) updated (title, speaker or notes), \(cancelled.count) cancelled, "
            + "\(kept) kept as changed with concertctl; \(noticesQueued) notice\(noticesQueued == 1 ? "" : "s") queued"
    }

    /// The ids of each kind of change, for the journal line of an import.
    var journalMetadata: Logger.Metadata {
        [
            "added": "\(added.joined(separator: ","))", "revised": "\(revised.joined(separator: ","))",
            "updated": "\(updated.joined(separator: ","))", "cancelled": "\(cancelled.joined(separator: ","))",
            "kept_admin_version": "\((keptAdminVersion + keptAdminVersionOfRemoved).joined(separator: ","))",
            "notices": "\(noticesQueued)",
        ]
    }

    /// One warning per concert whose catalog edit was not applied: why, and how to apply it.
    var catalogWarnings: [String] {
        keptAdminVersion.map { id in
            "concert '\(id)': the catalog file's edit is not applied, because the concert was changed with concertctl and keeps that version; `concertctl concert reset \(id)` applies the file's version (subscribers are told if its time, venue or status changes)"
        }
            + keptAdminVersionOfRemoved.map { id in
                "concert '\(id)' is no longer in the catalog file, but it was changed with concertctl and is kept as it is (a concert that follows the catalog would be cancelled); `concertctl concert cancel \(id)` cancels it"
            }
    }
}

import Foundation
import GRDB

/// How the SQLite store's errors read in `status` and the journal, and which of them may clear by
/// themselves: the one place outside the store's methods that knows GRDB's error type.
extension StoreFault {
    /// Whether `error` is the database's (locked, full, read-only, I/O), not a refusal of the store's own.
    static func isDatabaseError(_ error: any Error) -> Bool {
        error is DatabaseError
    }

    /// One line for `error` when it is a fault of the database that may clear by itself (locked,
    /// full, read-only, I/O, out of memory) rather than a refusal or a bug; `nil` otherwise.
    public static func transientDescription(of error: any Error) -> String? {
        guard let error = error as? DatabaseError else { return nil }
        let transient: [ResultCode] = [
            .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_NOMEM, .SQLITE_READONLY, .SQLITE_IOERR, .SQLITE_FULL,
            .SQLITE_CANTOPEN,
        ]
        return transient.contains(error.resultCode) ? describe(error) : nil
    }

    /// One line for `status` and the journal; GRDB's own description ends with the whole SQL statement.
    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            let text = error.message ?? "SQLite error"
            return "\(text) (SQLite error \(error.extendedResultCode.rawValue))"
        }
        return "\(error)"
    }
}

import GRDB

/// SQLite's errors as the rest of concertd reads them: the one place that knows GRDB's error type.
extension DatabaseError: StoreEngineError {
    /// Locked by another connection (`SQLITE_BUSY`, `SQLITE_LOCKED`, `SQLITE_PROTOCOL`), the disk
    /// full (`SQLITE_FULL`), an I/O error (`SQLITE_IOERR`) or memory short (`SQLITE_NOMEM`) may
    /// clear by themselves; a read-only file (`SQLITE_READONLY`) or one that cannot be opened
    /// (`SQLITE_CANTOPEN`) waits for someone; a damaged file, a broken constraint or a missing
    /// table needs a person.
    public var storeFailure: StoreFailure {
        switch resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_PROTOCOL, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_NOMEM: .temporary
        case .SQLITE_READONLY, .SQLITE_CANTOPEN: .unavailable
        default: .lasting
        }
    }

    /// SQLite's message and extended code; GRDB's own description ends with the whole SQL statement.
    public var storeMessage: String {
        "\(message ?? "SQLite error") (SQLite error \(extendedResultCode.rawValue))"
    }
}

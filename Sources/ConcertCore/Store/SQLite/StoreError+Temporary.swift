import Foundation
import GRDB

extension StoreError {
    /// Whether waiting may cure `error`, a failure of the store: SQLite found the database locked
    /// by another connection (`SQLITE_BUSY`, `SQLITE_LOCKED`, `SQLITE_PROTOCOL`), the disk full
    /// (`SQLITE_FULL`), an I/O error (`SQLITE_IOERR`) or memory short (`SQLITE_NOMEM`), or the
    /// system said the same (`ENOSPC`, `EDQUOT`, `EMFILE`, `ENFILE`, `ENOMEM`, `EIO`).
    ///
    /// A schema newer than the code, a damaged file, a read-only one or a failed migration is not:
    /// it needs a person.
    public static func isTemporaryFailure(_ error: any Error) -> Bool {
        switch error {
        case let error as StoreError:
            return error.isTemporary
        case let error as DatabaseError:
            return [.SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_PROTOCOL, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_NOMEM]
                .contains(error.resultCode)
        default:
            let error = error as NSError
            if error.domain == NSPOSIXErrorDomain {
                return [ENOSPC, EDQUOT, EMFILE, ENFILE, ENOMEM, EIO].contains(Int32(error.code))
            }
            return (error.userInfo[NSUnderlyingErrorKey] as? any Error).map(isTemporaryFailure) ?? false
        }
    }
}

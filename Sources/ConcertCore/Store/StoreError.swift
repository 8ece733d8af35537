import Foundation

/// A store failure with a stable code and a message that says what to do.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable {
        case cannotOpen = "database_unavailable"
        case newerSchema = "database_newer_than_code"
        case notFound = "not_found"
        case conflict = "conflict"
        case invalid = "invalid"
    }

    public var code: Code
    public var message: String
    /// Whether waiting may cure the failure (see ``isTemporaryFailure(_:)``).
    public var isTemporary: Bool

    public init(_ code: Code, _ message: String, isTemporary: Bool = false) {
        self.code = code
        self.message = message
        self.isTemporary = isTemporary
    }

    public var description: String { message }
}

extension StoreError {
    /// Whether waiting may cure `error`, a failure of the store: its engine says so
    /// (``StoreFailure/temporary``: locked, full, I/O, memory short, connection lost), or the
    /// system said the same (`ENOSPC`, `EDQUOT`, `EMFILE`, `ENFILE`, `ENOMEM`, `EIO`).
    ///
    /// A schema newer than the code, a damaged file, a read-only one or a failed migration is not:
    /// it needs a person.
    public static func isTemporaryFailure(_ error: any Error) -> Bool {
        switch error {
        case let error as StoreError:
            return error.isTemporary
        case let error as any StoreEngineError:
            return error.storeFailure == .temporary
        default:
            let error = error as NSError
            if error.domain == NSPOSIXErrorDomain {
                return [ENOSPC, EDQUOT, EMFILE, ENFILE, ENOMEM, EIO].contains(Int32(error.code))
            }
            return (error.userInfo[NSUnderlyingErrorKey] as? any Error).map(isTemporaryFailure) ?? false
        }
    }
}

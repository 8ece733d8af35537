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

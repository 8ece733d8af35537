import Glibc

/// Why the control server could not start: a sentence naming the path and the cause.
public struct ControlServerError: Error, Sendable, CustomStringConvertible {
    public var description: String

    init(_ description: String) {
        self.description = description
    }

    /// `what` followed by the text of `errno`: `cannot bind /run/x.sock: Permission denied`.
    static func system(_ what: String, errno code: Int32) -> ControlServerError {
        ControlServerError("\(what): \(String(cString: strerror(code)))")
    }
}

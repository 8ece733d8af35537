import Glibc

/// Why the control server could not start: a sentence naming the path and the cause.
public struct ControlServerError: Error, Sendable, CustomStringConvertible {
    public var description: String
    /// Whether waiting may cure it: the path answered by a live daemon, the address in use, no
    /// descriptors, memory or disk space for now.
    public var isTemporary: Bool

    init(_ description: String, isTemporary: Bool = false) {
        self.description = description
        self.isTemporary = isTemporary
    }

    /// `what` followed by the text of `errno`: `cannot bind /run/x.sock: Permission denied`.
    static func system(_ what: String, errno code: Int32) -> ControlServerError {
        ControlServerError(
            "\(what): \(String(cString: strerror(code)))",
            isTemporary: [EADDRINUSE, EMFILE, ENFILE, ENOMEM, ENOBUFS, ENOSPC, EDQUOT, EAGAIN, EINTR].contains(code))
    }
}

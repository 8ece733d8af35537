import ConcertProtocol
import Glibc

extension ControlServer {
    /// Where the control socket lives, who may use it, and how long an idle client may stay.
    public struct Configuration: Sendable {
        /// The socket file; its directory is created (0750) when missing. At most 107 bytes.
        public var socketPath: String
        /// The group whose members may use the socket; it owns the socket and its new directory.
        public var controlGroup: gid_t?
        /// How long a connection may go without sending a complete request before it is closed:
        /// counted from its start or its last reply, not reset by blank lines or unfinished ones.
        public var idleTimeout: Duration
        /// Connections served at once; more are answered `unavailable` and closed, except that
        /// root and the daemon's own user may open ``privilegedReserve`` more.
        public var maximumConnections: Int
        /// The longest request line, in bytes.
        public var maximumLineLength: Int

        public init(
            socketPath: String, controlGroup: gid_t? = nil, idleTimeout: Duration = .seconds(30),
            maximumConnections: Int = 32, maximumLineLength: Int = ControlLineFramer.maximumLineLength
        ) {
            self.socketPath = socketPath
            self.controlGroup = controlGroup
            self.idleTimeout = idleTimeout
            self.maximumConnections = maximumConnections
            self.maximumLineLength = maximumLineLength
        }

        /// Connections beyond ``maximumConnections`` that only root and the daemon's own user may
        /// open: however many slots members of the control group hold (idle scripts, a stuck
        /// tool), an administrator can still get in to see and stop it.
        public static let privilegedReserve = 4
    }
}

import ConcertProtocol
import Glibc

extension ControlServer {
    /// Where the control socket lives, who may use it, and how long an idle client may stay.
    public struct Configuration: Sendable {
        /// The socket file; its directory is created (0750) when missing. At most 107 bytes.
        public var socketPath: String
        /// The group whose members may use the socket; it owns the socket and its new directory.
        public var controlGroup: gid_t?
        /// How long a connection may go without sending a complete request before it is closed.
        public var idleTimeout: Duration
        /// Connections served at once; more are answered `unavailable` and closed.
        public var maximumConnections: Int
        /// The longest request line, in bytes.
        public var maximumLineLength: Int

        public init(
            socketPath: String, controlGroup: gid_t? = nil, idleTimeout: Duration = .seconds(30),
            maximumConnections: Int = 64, maximumLineLength: Int = ControlLineFramer.maximumLineLength
        ) {
            self.socketPath = socketPath
            self.controlGroup = controlGroup
            self.idleTimeout = idleTimeout
            self.maximumConnections = maximumConnections
            self.maximumLineLength = maximumLineLength
        }
    }
}

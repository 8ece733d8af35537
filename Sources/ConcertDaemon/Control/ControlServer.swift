import ConcertCore
import ConcertProtocol
import Dispatch
import Glibc
import Logging

/// The control socket: accepts local clients, checks who they are and serves their JSON-RPC requests.
///
/// `start()` makes the socket's directory (0750) if needed, removes a stale socket file left by a
/// daemon that is gone, binds, sets the file to 0660 owned by the daemon's user and the control
/// group, and listens. Each connection's peer is checked with `SO_PEERCRED` against a
/// ``ControlAccessPolicy``; a refused peer gets a `permission_denied` reply and is logged.
/// Requests are answered in order per connection; bad input is answered with a JSON-RPC error
/// and never affects other clients (see ``ControlConnection``).
///
/// All socket work runs on one serial Dispatch queue with non-blocking descriptors and Dispatch
/// sources: a control socket sees few requests, each small, so one queue serves many clients
/// without a thread each; the handler runs in its own task per request. `SIGPIPE` is never
/// raised: replies are written with `MSG_NOSIGNAL`.
public final class ControlServer: @unchecked Sendable {
    public let configuration: Configuration
    private let handler: any ControlHandler
    private let policy: ControlAccessPolicy
    private let logger: Logger
    private let queue = DispatchQueue(label: "concertd.control")

    // Confined to `queue`.
    private var listener: (any DispatchSourceRead)?
    private var socketIdentity: FileIdentity?
    private var connections: [Int: ControlConnection] = [:]
    private var connectionsAccepted = 0
    private var acceptingPaused = false
    private var acceptFailures = AcceptFailureLog()

    /// A server for `configuration`; the default policy lets in root, this process's user and
    /// members of `configuration.controlGroup`.
    public init(
        configuration: Configuration, handler: any ControlHandler, logger: Logger,
        accessPolicy: ControlAccessPolicy? = nil
    ) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.policy = accessPolicy ?? ControlAccessPolicy(controlGroup: configuration.controlGroup)
    }

    /// Creates the socket and starts accepting; throws a ``ControlServerError`` that says why not.
    ///
    /// Refuses a socket path on which another daemon answers, a path that is not a socket, and a
    /// directory owned by someone else. Calling it on a started server does nothing.
    public func start() throws(ControlServerError) {
        let failure = queue.sync { () -> ControlServerError? in
            do throws(ControlServerError) {
                try startListening()
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }

    private func startListening() throws(ControlServerError) {
        guard listener == nil else { return }
        let path = configuration.socketPath
        _ = try UnixSocketFile.address(of: path)
        try UnixSocketFile.prepareDirectory(of: path, group: configuration.controlGroup)
        try UnixSocketFile.removeStale(at: path)
        let (fd, identity) = try UnixSocketFile.listen(at: path, group: configuration.controlGroup, backlog: 128)
        socketIdentity = identity
        let source = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        source.setEventHandler { [self] in acceptPending(on: fd) }
        source.setCancelHandler { Glibc.close(fd) }
        source.resume()
        listener = source
        // Pausing the accept loop when descriptors run out, and the connections' idle timers, are
        // uptime-clock Dispatch timers: a timer armed when no descriptor can be opened for its
        // clock's timerfd never fires. Hold the timerfds now, while descriptors are free, so that
        // the pause always ends.
        DispatchClockDescriptors.hold()
        logger.info(
            "control socket listening",
            metadata: [
                "control.socket": "\(path)",
                "control.group": "\(configuration.controlGroup.map { String($0) } ?? "none")",
            ])
    }

    /// Stops accepting, closes every connection and removes the socket file.
    ///
    /// Requests being handled run to completion; their replies are dropped. Safe to call twice.
    /// Must not be called from the handler.
    public func stop() {
        queue.sync {
            guard let listener else { return }
            if acceptingPaused { listener.resume() }
            listener.cancel()
            self.listener = nil
            if let socketIdentity { UnixSocketFile.remove(configuration.socketPath, ifStill: socketIdentity) }
            socketIdentity = nil
            for connection in connections.values { connection.close() }
            connections.removeAll()
            logger.info("control socket closed", metadata: ["control.socket": "\(configuration.socketPath)"])
        }
    }

    /// How many clients are connected now.
    var connectionCount: Int {
        queue.sync { connections.count }
    }

    private func acceptPending(on listenerFD: Int32) {
        while listener != nil {
            // accept4 is hidden behind _GNU_SOURCE; the daemon does not fork, so setting the
            // flags just after is as good.
            let fd = accept(listenerFD, nil, nil)
            if fd < 0 {
                switch errno {
                case EINTR, ECONNABORTED: continue
                case EAGAIN, EWOULDBLOCK: return
                default:
                    // Out of descriptors: the listener stays readable; pause instead of spinning.
                    log(acceptFailures.failed(errno: errno, at: .now))
                    pauseAccepting()
                    return
                }
            }
            log(acceptFailures.accepted(at: .now))
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            admit(fd)
        }
    }

    /// Logs what ``AcceptFailureLog`` says about a run of failed `accept` calls.
    private func log(_ line: AcceptFailureLog.Line?) {
        switch line {
        case nil: return
        case .first(let code):
            logger.error(
                "control socket cannot accept: \(String(cString: strerror(code))); new clients wait, tried again every 100 ms",
                metadata: ["errno": "\(code)"])
        case .stillFailing(let code, let failures, let seconds):
            logger.error(
                "control socket still cannot accept: \(String(cString: strerror(code)))",
                metadata: ["errno": "\(code)", "accept.failures": "\(failures)", "accept.seconds": "\(seconds)"])
        case .recovered(let failures, let seconds):
            logger.notice(
                "control socket accepting again",
                metadata: ["accept.failures": "\(failures)", "accept.seconds": "\(seconds)"])
        }
    }

    private func pauseAccepting() {
        guard let listener, !acceptingPaused else { return }
        acceptingPaused = true
        listener.suspend()
        queue.asyncAfter(deadline: .now() + .milliseconds(100)) { [self] in resumeAcceptingIfPaused() }
    }

    /// Accepting again after a pause: at the next try, or as soon as a closed connection has freed
    /// a descriptor.
    private func resumeAcceptingIfPaused() {
        guard acceptingPaused, let listener else { return }
        acceptingPaused = false
        listener.resume()
    }

    private func admit(_ fd: Int32) {
        guard let peer = PeerCredentials.ofPeer(socket: fd) else {
            logger.warning("control client without peer credentials refused")
            Glibc.close(fd)
            return
        }
        guard policy.allows(peer) else {
            logger.warning(
                "control client refused: not root, the daemon's user or in the control group",
                metadata: [
                    "control.peer.pid": "\(peer.pid)", "control.peer.uid": "\(peer.uid)",
                    "control.peer.gid": "\(peer.gid)",
                ])
            refuse(fd, with: .permissionDenied())
            return
        }
        let privileged = peer.uid == 0 || peer.uid == policy.daemonUID
        let room = configuration.maximumConnections + (privileged ? Configuration.privilegedReserve : 0)
        guard connections.count < room else {
            logger.warning("control client refused: too many connections", metadata: ["control.peer": "\(peer)"])
            refuse(fd, with: .unavailable("too many control connections (\(connections.count)); try again"))
            return
        }
        connectionsAccepted += 1
        let connection = ControlConnection(
            fd: fd, number: connectionsAccepted, peer: peer, queue: queue, handler: handler,
            idleTimeout: configuration.idleTimeout, maximumLineLength: configuration.maximumLineLength,
            logger: logger
        ) { [weak self] connection in
            self?.connections[connection.number] = nil
            self?.resumeAcceptingIfPaused()
        }
        connections[connection.number] = connection
        connection.start()
    }

    /// Writes one error reply and closes: a fresh socket's buffer always takes a reply this small.
    private func refuse(_ fd: Int32, with error: ControlError) {
        var reply = ControlReply.failure(id: .null, error: error)
        reply.protocolVersion = ProtocolVersion.current
        let line = reply.encodedLine()
        _ = line.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        shutdown(fd, Int32(SHUT_WR))
        Glibc.close(fd)
    }
}

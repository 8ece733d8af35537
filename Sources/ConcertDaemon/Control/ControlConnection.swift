import ConcertProtocol
import Dispatch
import Glibc
import Logging

/// One accepted client: reads request lines, hands them to the handler one at a time, writes the
/// replies in order, and closes on EOF, error, an over-long line or idleness.
///
/// Idleness is timed by requests, not bytes: the idle timeout runs from the start and from each
/// reply to a request, and only a request (a line that decodes as one) stops it. Blank lines,
/// a line never finished and lines answered with `parse_error` or `invalid_request` do not, so a
/// client cannot hold one of the few slots by sending a newline now and then. A client that reads
/// nothing of its replies for as long is closed too.
///
/// Confined to the server's serial queue: every method runs there (hence `@unchecked Sendable`).
/// Memory is bounded: at most ``maximumPendingFrames`` decoded lines wait, reading stops until
/// they are handled, and no new request starts before the previous reply has left.
final class ControlConnection: @unchecked Sendable {
    /// Lines read ahead of the one being handled before reading pauses.
    static let maximumPendingFrames = 16

    let number: Int
    let peer: PeerCredentials
    private let fd: Int32
    /// A duplicate of `fd` that only the write source watches. libdispatch on Linux keeps one
    /// epoll registration per descriptor and shares it between the sources on it; tearing down a
    /// read and a write source of one descriptor together is where it has crashed ("Source
    /// finalized twice", swift-corelibs-libdispatch #682, #833). One source per descriptor avoids
    /// that path. `fd` itself when the duplicate cannot be made.
    private let writeFD: Int32
    private let queue: DispatchQueue
    private let handler: any ControlHandler
    private let logger: Logger
    private let idleTimeout: DispatchTimeInterval
    private let idleTimeoutSeconds: Double
    private let onClose: (ControlConnection) -> Void

    private var framer: ControlLineFramer
    private var pending: [Work] = []
    private var requestInFlight = false
    private var output: [UInt8] = []
    private var outputSent = 0
    private var inputEnded = false
    private var closeWhenWritten = false
    private(set) var isClosed = false

    private let readSource: any DispatchSourceRead
    private let writeSource: any DispatchSourceWrite
    private let idleTimer: any DispatchSourceTimer
    private var readingPaused = false
    private var writeArmed = false
    private var sourcesLeft = 3
    /// When the connection is closed as idle unless a request arrives first.
    private var idleDeadline: DispatchTime = .distantFuture
    /// A request was answered: the idle time starts again once its reply has been written.
    private var restartIdleTime = false

    private enum Work {
        case request(ControlRequest)
        case reply(ControlReply)
        case lineTooLong
    }

    init(
        fd: Int32, number: Int, peer: PeerCredentials, queue: DispatchQueue, handler: any ControlHandler,
        idleTimeout: Duration, maximumLineLength: Int, logger: Logger,
        onClose: @escaping (ControlConnection) -> Void
    ) {
        self.fd = fd
        self.number = number
        self.peer = peer
        self.queue = queue
        self.handler = handler
        self.idleTimeout = idleTimeout.dispatchInterval
        self.idleTimeoutSeconds = idleTimeout.seconds
        self.framer = ControlLineFramer(maximumLineLength: maximumLineLength)
        self.onClose = onClose
        var logger = logger
        logger[metadataKey: "control.connection"] = "\(number)"
        logger[metadataKey: "control.peer"] = "\(peer)"
        self.logger = logger
        let duplicate = fcntl(fd, F_DUPFD_CLOEXEC, 0)
        writeFD = duplicate >= 0 ? duplicate : fd
        readSource = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
        writeSource = DispatchSource.makeWriteSource(fileDescriptor: writeFD, queue: queue)
        idleTimer = DispatchSource.makeTimerSource(queue: queue)
    }

    /// Starts reading; the idle timer runs until the first line arrives.
    func start() {
        dispatchPrecondition(condition: .onQueue(queue))
        for source in [readSource, writeSource, idleTimer] as [any DispatchSourceProtocol] {
            source.setCancelHandler { [self] in sourceCancelled() }
        }
        readSource.setEventHandler { [self] in readAvailable() }
        writeSource.setEventHandler { [self] in advance() }
        idleTimer.setEventHandler { [self] in idleTimeoutFired() }
        idleDeadline = .now() + idleTimeout
        idleTimer.schedule(deadline: idleDeadline)
        readSource.resume()
        idleTimer.resume()
        // The write source stays suspended until a write would block.
    }

    /// Closes the connection now; a reply being written is abandoned.
    func close() {
        dispatchPrecondition(condition: .onQueue(queue))
        guard !isClosed else { return }
        isClosed = true
        pending.removeAll()
        output.removeAll()
        // A suspended source never runs its cancel handler: resume before cancelling.
        if readingPaused { readSource.resume() }
        if !writeArmed { writeSource.resume() }
        readSource.cancel()
        writeSource.cancel()
        idleTimer.cancel()
        onClose(self)
    }

    private func sourceCancelled() {
        sourcesLeft -= 1
        guard sourcesLeft == 0 else { return }
        if writeFD != fd { Glibc.close(writeFD) }
        Glibc.close(fd)
    }

    // MARK: Reading

    private func readAvailable() {
        guard !isClosed, !readingPaused else { return }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !inputEnded, !framer.isOverLimit, pending.count < Self.maximumPendingFrames {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                enqueue(framer.append(buffer[..<count]))
            } else if count == 0 {
                inputEnded = true
                enqueue(framer.finish())
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                break
            } else {
                logger.debug("control client connection failed while reading", metadata: ["errno": "\(errno)"])
                close()
                return
            }
        }
        if inputEnded || framer.isOverLimit || pending.count >= Self.maximumPendingFrames { pauseReading() }
        advance()
    }

    private func enqueue(_ frames: [ControlLineFramer.Frame]) {
        for frame in frames {
            switch frame {
            case .tooLong:
                pending.append(.lineTooLong)
            case .line(let bytes):
                switch ControlMessageDecoder.decode(line: bytes) {
                case .blank: break
                case .request(let request): pending.append(.request(request))
                case .invalid(let reply):
                    logger.debug(
                        "control request refused", metadata: ["error": "\(reply.error?.code.name ?? "")"])
                    pending.append(.reply(reply))
                }
            }
        }
    }

    private func pauseReading() {
        guard !readingPaused else { return }
        readingPaused = true
        readSource.suspend()
    }

    private func resumeReadingIfRoom() {
        guard readingPaused, !inputEnded, !framer.isOverLimit, pending.count < Self.maximumPendingFrames else { return }
        readingPaused = false
        readSource.resume()
    }

    // MARK: Handling and writing

    /// Moves the connection forward: writes what is waiting, starts the next request, or goes idle.
    private func advance() {
        guard !isClosed else { return }
        while true {
            if outputSent < output.count {
                guard writeOutput() else { return }
            }
            if closeWhenWritten {
                close()
                return
            }
            if requestInFlight { return }
            guard !pending.isEmpty else { break }
            switch pending.removeFirst() {
            case .reply(let reply):
                queueReply(reply)
            case .lineTooLong:
                logger.notice("control client sent a line over the limit; closing")
                pending.removeAll()
                queueReply(.failure(id: .null, error: .lineTooLong(limit: framer.maximumLineLength)))
                closeWhenWritten = true
            case .request(let request):
                startHandling(request)
            }
            resumeReadingIfRoom()
        }
        // Nothing to write, nothing in flight, nothing waiting.
        if inputEnded {
            close()
            return
        }
        resumeReadingIfRoom()
        if restartIdleTime {
            restartIdleTime = false
            idleDeadline = .now() + idleTimeout
        }
        idleTimer.schedule(deadline: idleDeadline)
    }

    private func startHandling(_ request: ControlRequest) {
        requestInFlight = true
        idleTimer.schedule(deadline: .distantFuture)
        let handler = handler
        let peer = peer
        Task(executorPreference: HandlerExecutor.shared) {
            let reply = await handler.handle(request, peer: peer)
            self.queue.async { [self] in handled(request, reply: reply) }
        }
    }

    private func handled(_ request: ControlRequest, reply: ControlReply) {
        requestInFlight = false
        restartIdleTime = true
        guard !isClosed else { return }
        if let id = request.id {
            var reply = reply
            reply.id = id
            queueReply(reply)
        }
        advance()
    }

    private func queueReply(_ reply: ControlReply) {
        var reply = reply
        reply.protocolVersion = ProtocolVersion.current
        if outputSent == output.count {
            output.removeAll(keepingCapacity: true)
            outputSent = 0
        }
        output.append(contentsOf: reply.encodedLine())
    }

    /// Writes as much as the socket takes; `true` when all is written, `false` when waiting for
    /// room (the write source will call back) or when the client has gone away (closed).
    private func writeOutput() -> Bool {
        while outputSent < output.count {
            let count = output.withUnsafeBytes { bytes in
                send(fd, bytes.baseAddress! + outputSent, bytes.count - outputSent, Int32(MSG_NOSIGNAL))
            }
            if count >= 0 {
                outputSent += count
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                if !writeArmed {
                    writeArmed = true
                    writeSource.resume()
                }
                // The client has until the idle timeout to read on.
                idleTimer.schedule(deadline: .now() + idleTimeout)
                return false
            } else {
                logger.debug("control client went away before its reply was written", metadata: ["errno": "\(errno)"])
                close()
                return false
            }
        }
        output.removeAll(keepingCapacity: true)
        outputSent = 0
        if writeArmed {
            writeArmed = false
            writeSource.suspend()
        }
        return true
    }

    private func idleTimeoutFired() {
        guard !isClosed, !requestInFlight else { return }
        if outputSent < output.count {
            // Armed when a write would block: the client has read nothing of its replies for the
            // whole idle timeout (it may be sending requests all the while).
            logger.info("control client does not read its replies; closing")
            close()
            return
        }
        guard pending.isEmpty, !restartIdleTime else { return }
        logger.info("control client idle; closing")
        pauseReading()
        queueReply(.failure(id: .null, error: .idleTimeout(seconds: idleTimeoutSeconds)))
        closeWhenWritten = true
        advance()
    }
}

extension Duration {
    var dispatchInterval: DispatchTimeInterval {
        let (seconds, attoseconds) = components
        guard seconds < 1_000_000_000 else { return .never }
        return .nanoseconds(Int(clamping: seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
    }

    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

import Hummingbird
import HummingbirdCore
import Logging

/// One HTTP/1.1 listener on Hummingbird's core server, serving one router.
///
/// Built on `HummingbirdCore.Server` rather than `Application`: the application runs a one-second
/// date-cache timer and installs its own service group; this listener adds no timer (`HTTPDate`),
/// and the daemon starts and stops it from its own start and stop path. A second listener (metrics on
/// its own address) is a second `HTTPListener` with its own router.
public final class HTTPListener: Sendable {
    /// Where the listener is bound (the port the kernel chose when `port` was 0).
    public struct Bound: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// Binding failed.
    public struct StartError: Error, CustomStringConvertible {
        public var address: String
        public var reason: String
        /// What the server threw, for the caller to tell an address in use from one that is not
        /// this machine's.
        public var underlying: (any Error)?
        public var description: String { "cannot listen on \(address): \(reason)" }
    }

    public let name: String
    private let server: Server<HTTP1Channel>
    private let running: Task<Void, any Error>
    private let bound: Task<Bound, any Error>

    /// Starts listening on `host:port`; `start()` waits until the socket is bound.
    public init<Responder: HTTPResponder>(
        name: String, host: String, port: Int, responder: Responder, maxConnections: Int = 1024, logger: Logger
    ) where Responder.Context == WebRequestContext {
        self.name = name
        let date = HTTPDate()
        let (boundStream, boundContinuation) = AsyncStream.makeStream(of: Bound.self)
        let channel = HTTP1Channel(
            responder: { request, responseWriter, channel in
                let context = WebRequestContext(source: .init(channel: channel, logger: logger))
                var response: Response
                do {
                    response = try await responder.respond(to: request, context: context)
                } catch {
                    logger.debug("unhandled error in a web handler", metadata: ["error": "\(error)"])
                    response = Response(status: .internalServerError)
                }
                response.headers[.date] = date.now
                try await responseWriter.write(response: response.head, body: response.body)
            },
            // Keep-alive connections left idle are closed, so that they hold no slot for ever.
            configuration: .init(idleTimeout: .seconds(60))
        )
        server = Server(
            childChannelSetup: channel,
            configuration: ServerConfiguration(
                address: .hostname(host, port: port),
                serverName: nil,
                availableConnectionsDelegate: MaximumAvailableConnections(maxConnections, logger: logger)
            ),
            onServerRunning: { channel in
                let address = channel.localAddress
                boundContinuation.yield(Bound(host: address?.ipAddress ?? host, port: address?.port ?? port))
                boundContinuation.finish()
            },
            eventLoopGroup: EventLoopGroupProvider.singleton.eventLoopGroup,
            logger: logger
        )
        let server = server
        running = Task {
            defer { boundContinuation.finish() }
            try await server.run()
        }
        let running = running
        bound = Task {
            for await address in boundStream { return address }
            // The stream ended without an address: run() failed to bind; its error says why.
            do {
                try await running.value
            } catch {
                throw StartError(address: "\(host):\(port)", reason: "\(error)", underlying: error)
            }
            throw StartError(address: "\(host):\(port)", reason: "the server stopped while starting", underlying: nil)
        }
    }

    /// Waits until the listener is bound; throws `StartError` when it cannot be.
    public func start() async throws -> Bound {
        try await bound.value
    }

    /// Stops accepting, lets requests in progress finish, closes the connections.
    public func stop() async {
        do {
            try await server.shutdownGracefully()
        } catch {
            server.logger.warning("web listener stopped with an error", metadata: ["error": "\(error)"])
        }
        _ = try? await running.value
    }
}

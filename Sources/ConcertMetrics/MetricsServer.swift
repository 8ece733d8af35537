import ConcertCore
import Dispatch
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The operator's HTTP listener (`metrics_listen`): `GET /metrics` in the Prometheus text format
/// and `GET /healthz`, on Hummingbird's HTTP/1.1 server, with one event loop thread of its own.
///
/// HummingbirdCore's server without Hummingbird's `Application`: two fixed paths need no
/// router, and the application's date cache wakes the process every second to refresh its
/// `Date` header. Served this way the listener itself sets no timer while idle; Swift
/// concurrency's first task starts libdispatch's worker-pool monitor, which wakes once a second
/// (BENCHMARKS.md). A connection left idle is closed after `idleTimeout`, so idle clients cannot
/// hold the daemon's descriptors.
///
/// The daemon runs on Dispatch (`dispatchMain()`), so the server runs in a `Task` of its own; `start` waits until the socket is bound (or binding failed) so the daemon
/// can refuse to start, and `stop` ends it within a bound the daemon gives (`shutdown_grace`).
public final class MetricsServer: Sendable {
    /// The address listened on, with the port the system chose when 0 was asked for.
    public let boundAddress: ListenAddress
    private let serviceGroup: ServiceGroup
    private let finished: DispatchSemaphore
    private let eventLoopGroup: MultiThreadedEventLoopGroup
    /// Threads for the answers that block (the store's reads, the liveness check).
    private let blockingPool: NIOThreadPool
    private let stopped = Mutex(false)

    /// How many requests at once may wait on the store or the liveness check.
    static let blockingThreads = 4

    private init(
        boundAddress: ListenAddress, serviceGroup: ServiceGroup, finished: DispatchSemaphore,
        eventLoopGroup: MultiThreadedEventLoopGroup, blockingPool: NIOThreadPool
    ) {
        self.boundAddress = boundAddress
        self.serviceGroup = serviceGroup
        self.finished = finished
        self.eventLoopGroup = eventLoopGroup
        self.blockingPool = blockingPool
    }

    /// Binds `address` and serves `endpoints` there; returns once the socket listens. Throws,
    /// leaving nothing running, when the address cannot be bound (in use, not an address of this
    /// machine, a port that needs privileges) or does not answer within `timeout`.
    public static func start(
        address: ListenAddress, endpoints: MetricsEndpoints, logger: Logger, timeout: Duration = .seconds(10),
        idleTimeout: TimeAmount = .seconds(60)
    ) throws(MetricsServerError) -> MetricsServer {
        let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let blockingPool = NIOThreadPool(numberOfThreads: blockingThreads)
        blockingPool.start()
        let outcome = Mutex<Result<ListenAddress, any Error>?>(nil)
        let bound = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let server: any Service
        do {
            server = try HTTPServerBuilder.http1(configuration: HTTP1Channel.Configuration(idleTimeout: idleTimeout))
                .buildServer(
                    configuration: ServerConfiguration(address: .hostname(address.host, port: address.port)),
                    eventLoopGroup: eventLoopGroup, logger: logger,
                    responder: { request, writer, _ in
                        try await endpoints.respond(to: request, writer: writer, pool: blockingPool)
                    },
                    onServerRunning: { channel in
                        let port = channel.localAddress?.port ?? address.port
                        outcome.withLock { $0 = .success(ListenAddress(host: address.host, port: port)) }
                        bound.signal()
                    })
        } catch {
            try? eventLoopGroup.syncShutdownGracefully()
            blockingPool.shutdownGracefully { _ in }
            throw MetricsServerError(address: address, error: error)
        }
        // No signals: the daemon's own handlers stop it (through `stop`).
        let serviceGroup = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [server], gracefulShutdownSignals: [], logger: logger)
        )
        Task {
            do {
                try await serviceGroup.run()
            } catch {
                let first = outcome.withLock { result in
                    defer { if result == nil { result = .failure(error) } }
                    return result == nil
                }
                if first { bound.signal() }
            }
            finished.signal()
        }
        let failure: MetricsServerError
        if bound.wait(timeout: .now() + timeout.dispatchInterval) == .timedOut {
            failure = MetricsServerError(address: address, reason: "the listener did not start within \(timeout)")
        } else {
            switch outcome.withLock({ $0 }) {
            case .success(let boundAddress)?:
                return MetricsServer(
                    boundAddress: boundAddress, serviceGroup: serviceGroup, finished: finished,
                    eventLoopGroup: eventLoopGroup, blockingPool: blockingPool)
            case .failure(let error)?:
                failure = MetricsServerError(address: address, error: error)
            case nil:
                failure = MetricsServerError(address: address, reason: "the listener stopped before it started")
            }
        }
        Task { await serviceGroup.triggerGracefulShutdown() }
        _ = finished.wait(timeout: .now() + .seconds(2))
        try? eventLoopGroup.syncShutdownGracefully()
        blockingPool.shutdownGracefully { _ in }
        throw failure
    }

    /// Stops listening and waits up to `timeout` for requests being answered; a second call does nothing.
    public func stop(timeout: Duration) {
        guard
            stopped.withLock({ stopped in
                defer { stopped = true }
                return !stopped
            })
        else { return }
        let serviceGroup = self.serviceGroup
        Task { await serviceGroup.triggerGracefulShutdown() }
        _ = finished.wait(timeout: .now() + timeout.dispatchInterval)
        try? eventLoopGroup.syncShutdownGracefully()
        blockingPool.shutdownGracefully { _ in }
    }
}

extension Duration {
    /// This duration for Dispatch, to the millisecond.
    var dispatchInterval: DispatchTimeInterval {
        let (seconds, attoseconds) = components
        return .milliseconds(Int(clamping: min(seconds, 1_000_000_000) * 1000 + attoseconds / 1_000_000_000_000_000))
    }
}

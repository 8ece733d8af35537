import Dispatch
import Foundation

/// Listens for `NOTIFY` on a connection of its own, woken by a Dispatch read source on the
/// connection's socket: no polling. Reconnects with backoff when the connection is lost.
///
/// Every call to libpq happens on the listener's own serial queue (a connection attempt may block
/// for the connect timeout); events go to `handler` on `target`. Notifications sent while the
/// listener was disconnected are lost: `.connected(again: true)` tells the owner to read the state
/// afresh.
public final class PostgresListener: @unchecked Sendable {
    // @unchecked: every mutable field is touched on `queue` only.

    public enum Event: Sendable {
        /// Listening: for the first time, or again after a loss (`again`: look at the database
        /// afresh, notifications may have been missed).
        case connected(again: Bool)
        /// The connection was lost or could not be made; the next attempt is after `retryIn` seconds.
        case disconnected(PostgresError, retryIn: TimeInterval)
        case notification(PostgresNotification)
    }

    /// The waits between connection attempts: `initial`, doubling, at most `maximum`.
    public struct Backoff: Sendable {
        public var initial: TimeInterval
        public var maximum: TimeInterval

        public init(initial: TimeInterval = 0.25, maximum: TimeInterval = 5) {
            self.initial = initial
            self.maximum = maximum
        }

        func delay(afterFailures failures: Int) -> TimeInterval {
            min(maximum, initial * pow(2, Double(min(max(0, failures - 1), 20))))
        }
    }

    private let settings: PostgresSettings
    private let channels: [String]
    private let backoff: Backoff
    private let target: DispatchQueue
    private let handler: @Sendable (Event) -> Void
    private let queue = DispatchQueue(label: "concertd.postgres.listener")

    private var connection: PostgresConnection?
    private var source: (any DispatchSourceRead)?
    private var retry: (any DispatchSourceTimer)?
    private var failures = 0
    private var hasConnected = false
    private var stopped = false

    public init(
        settings: PostgresSettings, channels: [String], backoff: Backoff = Backoff(), target: DispatchQueue,
        handler: @escaping @Sendable (Event) -> Void
    ) {
        self.settings = settings
        self.channels = channels
        self.backoff = backoff
        self.target = target
        self.handler = handler
    }

    /// Connects and starts listening (or starts retrying).
    public func start() {
        queue.async { self.connect() }
    }

    /// Stops listening and closes the connection; no event is sent to `target` after it returns
    /// (one sent just before may still be on its way).
    public func stop() {
        queue.sync {
            stopped = true
            tearDown()
            retry?.cancel()
            retry = nil
        }
    }

    /// The server process of the listening connection, 0 while disconnected (for tests).
    public var backendPID: Int32 { queue.sync { connection?.backendPID ?? 0 } }

    private func connect() {
        guard !stopped else { return }
        retry = nil
        do {
            let connection = try PostgresConnection(settings)
            for channel in channels {
                try connection.execute("LISTEN \(PostgresConnection.quoted(identifier: channel))")
            }
            let source = DispatchSource.makeReadSource(fileDescriptor: connection.socket, queue: queue)
            source.setEventHandler { [weak self] in self?.readable() }
            self.connection = connection
            self.source = source
            source.resume()
            let again = hasConnected
            hasConnected = true
            failures = 0
            deliver(.connected(again: again))
            // A notification that arrived with LISTEN's reply is already in libpq's buffer.
            deliverPending()
        } catch {
            lost(error as? PostgresError ?? PostgresError(.other, "\(error)"))
        }
    }

    private func readable() {
        guard let connection, !stopped else { return }
        do { try connection.consumeInput() } catch { return lost(error) }
        deliverPending()
    }

    private func deliverPending() {
        guard let connection else { return }
        for notification in connection.takeNotifications() { deliver(.notification(notification)) }
    }

    private func lost(_ error: PostgresError) {
        tearDown()
        guard !stopped else { return }
        failures += 1
        let delay = backoff.delay(afterFailures: failures)
        deliver(.disconnected(error, retryIn: delay))
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + delay)
        timer.setEventHandler { [weak self] in self?.connect() }
        retry = timer
        timer.resume()
    }

    private func tearDown() {
        // The source is cancelled before the connection (and its socket) goes.
        source?.cancel()
        source = nil
        connection?.close()
        connection = nil
    }

    private func deliver(_ event: Event) {
        let handler = handler
        target.async { handler(event) }
    }
}

import ConcertCore
import Foundation
import GRDB
import Logging

/// A scheduler over an in-memory database with the real catalog, a manual clock, a manual timer
/// and recording channels; `store` may put another store in front of the database.
final class SchedulerHarness: @unchecked Sendable {
    let clock: ManualClock
    let database: AppDatabase
    let timer = ManualTimer()
    let webhook: RecordingChannel
    let email: RecordingChannel
    let queue = DispatchQueue(label: "test.scheduler")
    var scheduler: DeliveryScheduler!

    init(
        now: String, database: AppDatabase? = nil, limits: SendLimits = SendLimits(),
        retry: RetryPolicy = RetryPolicy(), webhook: RecordingChannel = RecordingChannel(),
        email: RecordingChannel = RecordingChannel(), observer: (any DeliveryObserver)? = nil,
        logger: Logger = .quiet, store: (AppDatabase) -> any SendingStore = { $0 }
    ) throws {
        clock = ManualClock(Fixtures.korea(now))
        if let database {
            self.database = database
        } else {
            self.database = try AppDatabase.inMemory()
            try self.database.importCatalog(Fixtures.catalog, now: clock.now())
        }
        self.webhook = webhook
        self.email = email
        scheduler = DeliveryScheduler(
            store: store(self.database), catalog: Fixtures.catalog,
            channels: ["webhook": webhook, "email": email], clock: clock, limits: limits, retry: retry,
            queue: queue, timer: timer, random: { 0.5 }, observer: observer, logger: logger)
    }

    /// A harness over a database file (WAL, a pool of connections) in a new temporary folder,
    /// whose statements give up after `busyTimeout` seconds on a locked database.
    static func onFile(
        now: String, directory: String = Fixtures.temporaryDirectory(), busyTimeout: TimeInterval = 0.05,
        limits: SendLimits = SendLimits(), webhook: RecordingChannel = RecordingChannel()
    ) throws -> (harness: SchedulerHarness, path: String) {
        let path = directory + "/concertd.sqlite3"
        let database = try AppDatabase.open(path: path, busyTimeout: busyTimeout)
        try database.importCatalog(Fixtures.catalog, now: Fixtures.korea("2019-10-01T00:00"))
        return (try SchedulerHarness(now: now, database: database, limits: limits, webhook: webhook), path)
    }

    /// The state of one delivery row, read from the database.
    func state(ofDelivery id: Int64) throws -> Delivery.State? {
        try database.delivery(id: id)?.state
    }

    /// Waits until the scheduler's queue has run everything submitted so far, twice (a verdict
    /// hops onto the queue, then its `record()` does).
    func settle() {
        for _ in 0..<4 { queue.sync {} }
    }

    /// Moves the clock to `moment` and fires the timer if it was armed for then or earlier,
    /// as the wall-clock timerfd would.
    func advance(to moment: String) {
        let target = Fixtures.korea(moment)
        clock.set(target)
        if let armed = timer.armedFor, armed <= target {
            timer.fire(on: queue)
        }
        settle()
    }

    func subscribe(
        _ cities: [String], email address: String? = nil, webhook url: String = "https://hooks.example.org/a",
        format: String = "generic", before: String = "7d,1d,1h", language: Language = .ko, confirm: Bool = false
    ) throws -> Subscription {
        let channel: ChannelAddress = address.map { .email($0) } ?? .webhook(url: url, format: format, secret: nil)
        let (subscription, _) = try database.createSubscription(
            NewSubscription(
                channel: channel, cities: cities, offsets: try ReminderOffset.parseList(before), language: language),
            now: clock.now(), confirm: confirm)
        scheduler.wake()
        settle()
        return subscription
    }

    func states(_ subscription: Subscription) throws -> [String] {
        try database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT kind, offset_seconds, state, reason FROM delivery WHERE subscription_id = ?
                    ORDER BY due_at, id
                    """,
                arguments: [subscription.id]
            ).map { row in
                let offset = ReminderOffset(seconds: row["offset_seconds"])
                let reason = (row["reason"] as String?).map { "(\($0))" } ?? ""
                return "\(row["kind"] as String):\(offset) \(row["state"] as String)\(reason)"
            }
        }
    }
}

extension Logger {
    /// A logger that drops everything, so expected warnings do not clutter test output.
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
}

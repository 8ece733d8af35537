import ConcertCore
import Foundation
import GRDB
import Logging

/// A scheduler over an in-memory database with the real catalog, a manual clock, a manual timer
/// and recording channels.
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
        email: RecordingChannel = RecordingChannel()
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
            database: self.database, catalog: Fixtures.catalog,
            channels: ["webhook": webhook, "email": email], clock: clock, limits: limits, retry: retry,
            queue: queue, timer: timer, random: { 0.5 }, logger: .quiet)
    }

    /// Waits until the scheduler's queue has run everything submitted so far, twice (a verdict
    /// hops onto the queue, then its flush does).
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
        before: String = "7d,1d,1h", language: Language = .ko, confirm: Bool = false
    ) throws -> Subscription {
        let channel: ChannelAddress = address.map { .email($0) } ?? .webhook(url: url, format: "generic", secret: nil)
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

// Scheduler cycle benchmark: the daemon's own CPU per webhook delivery, without libcurl and the
// network. N signed `generic` webhook reminders fall due at one instant; the real scheduler claims
// them, builds and signs each request (on a thread of its own, as the sender does) and records
// every verdict in a real SQLite file. The channel answers `sent` at once instead of POSTing.
//
// The process's CPU time (user + system) from the scheduler's start to the last verdict recorded
// is divided by N; the best of several rounds, each on a fresh database, is printed, because on a
// shared machine the other rounds measure the neighbours too.
//
//   swift run -c release SchedulerCycle [N] [rounds]
import ConcertCore
import Foundation
import Logging

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 20_000 : 20_000
let rounds = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 5 : 5

let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let catalog = try CatalogLoader().load(path: root.appendingPathComponent("etc/concertd/concerts.json5").path)
let renderer = MessageRenderer(directory: nil)
let logger = {
    var logger = Logger(label: "bench")
    logger.logLevel = .error
    return logger
}()

/// Answers every message with `sent` after building and signing its request, on a queue of its own.
final class InstantChannel: Channel, @unchecked Sendable {
    // @unchecked: `sends` is only touched on `queue`.
    let queue = DispatchQueue(label: "bench.sender")
    let renderer: MessageRenderer
    let expected: Int
    let done = DispatchSemaphore(value: 0)
    private var sends = 0

    init(renderer: MessageRenderer, expected: Int) {
        self.renderer = renderer
        self.expected = expected
    }

    func send(_ message: OutboundMessage, completion: @escaping @Sendable (Verdict) -> Void) {
        queue.async { [self] in
            do {
                let request = try WebhookFormatRegistry.request(
                    for: message, rendered: renderer.render(message), attemptTime: Date())
                completion(.sent(detail: "HTTP 204 (\(request.body.count) bytes)"))
            } catch {
                completion(.permanent(error: "\(error)"))
            }
            sends += 1
            if sends == expected { done.signal() }
        }
    }
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return user + system
}

func round() throws -> (cpu: Double, wall: Double) {
    let path = NSTemporaryDirectory() + "concertd-cycle-\(getpid()).sqlite3"
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
    guard case .instant(let seasonEve)? = KoreaTime.parseMoment("2019-09-20T00:00+09:00") else { fatalError() }
    let database = try AppDatabase.open(path: path)
    try database.importCatalog(catalog, now: seasonEve)
    // One city's concert, a reminder 30 days ahead for each subscription, spread over 16 receivers.
    let concert = try database.concerts().filter { $0.concert.schedule.reminderDeadline > seasonEve }
        .min { $0.concert.schedule.reminderDeadline < $1.concert.schedule.reminderDeadline }!
    let city = concert.concert.cities[0]
    let secret = "whsec_" + Data((0..<24).map { UInt8($0) }).base64EncodedString()
    let news = (0..<count).map { index in
        NewSubscription(
            channel: .webhook(
                url: "http://hook-\(index % 16).example:8080/hook/\(index)", format: "generic", secret: secret),
            cities: [city], offsets: [ReminderOffset(seconds: 30 * 86_400)])
    }
    _ = try database.importSubscriptions(news, now: seasonEve)
    guard let due = try database.upcoming(limit: 1).first?.due else { fatalError("nothing scheduled") }
    // Experiments only: BENCH_SQL="sql;sql" runs statements first, to measure what a schema part costs.
    if let statements = ProcessInfo.processInfo.environment["BENCH_SQL"] {
        try database.writer.write { db in
            for statement in statements.split(separator: ";") { try db.execute(sql: String(statement)) }
        }
    }

    let channel = InstantChannel(renderer: renderer, expected: count)
    let scheduler = DeliveryScheduler(
        store: database, catalog: catalog, channels: ["webhook": channel], clock: ManualClock(due),
        limits: SendLimits(maximumInFlight: 64, maximumPerDestination: 8), logger: logger)
    let cpuBefore = cpuSeconds()
    let wallBefore = DispatchTime.now().uptimeNanoseconds
    try scheduler.start()
    channel.done.wait()
    scheduler.shutdown(grace: 30)
    let cpu = cpuSeconds() - cpuBefore
    let wall = Double(DispatchTime.now().uptimeNanoseconds - wallBefore) / 1e9
    let sent = try database.counters()["delivery.sent", default: 0]
    guard sent == count else { fatalError("\(sent) of \(count) recorded as sent") }
    return (cpu, wall)
}

var results: [(cpu: Double, wall: Double)] = []
for _ in 0..<rounds { results.append(try round()) }
let best = results.min { $0.cpu < $1.cpu }!
let all = results.map { String(format: "%.1f", $0.cpu / Double(count) * 1e6) }.joined(separator: " ")
print(
    String(
        format:
            "scheduler cycle: %d webhooks, best of %d rounds: %.1f µs CPU per delivery (%.0f/s on the wall); rounds: %@",
        count, rounds, best.cpu / Double(count) * 1e6, Double(count) / best.wall, all))

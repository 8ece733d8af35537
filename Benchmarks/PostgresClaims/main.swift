// The PostgreSQL outbox's cost per row as the scheduler moves it: due rows read, claimed
// (`FOR UPDATE SKIP LOCKED`, a lease, an attempt row) and recorded as sent with the next claim,
// `batch` rows a round, one instance. Prints wall and client CPU per row.
//
//   python3 Tests/EndToEnd/harness/postgres.py     # prints a port; then, in another shell:
//   swift run -c release PostgresClaims postgresql://postgres@127.0.0.1:PORT/DB [rows] [batch]
import ConcertCore
import ConcertPostgres
import Foundation

let arguments = CommandLine.arguments
guard arguments.count > 1 else {
    FileHandle.standardError.write(Data("usage: PostgresClaims URL [rows] [batch]\n".utf8))
    exit(64)
}
let url = try DatabaseURL(parsing: arguments[1])
let rows = arguments.count > 2 ? Int(arguments[2]) ?? 20_000 : 20_000
let batch = arguments.count > 3 ? Int(arguments[3]) ?? 100 : 100
let store = try PostgresStore.open(settings: PostgresSettings(url: url), instanceName: "bench")
let now = Date()
let t = Int64(now.timeIntervalSince1970 * 1000)

try store.pool.withConnection { connection in
    try connection.execute("TRUNCATE attempt, delivery, subscription_city, subscription, concert_city, concert CASCADE")
    try connection.query(
        """
        INSERT INTO concert (id, origin, revision, status, starts_at, ends_at, reminder_deadline, time_announced,
            body, created_at, updated_at)
        VALUES ('c1', 'catalog', 1, 'scheduled', $1, $1, $1, 1, '{}', $2, $2)
        """, [.integer(t + 86_400_000), .integer(t)])
    try connection.copyIn(
        """
        COPY subscription (id, channel, target, format, destination, cities, offsets, lang, state, created_at,
            updated_at) FROM STDIN
        """
    ) { writer in
        for index in 0..<rows {
            try writer.append([
                .text("s\(index)"), "webhook", .text("https://hooks.example.org/\(index)"), "generic",
                "hooks.example.org:443", "seoul", "86400", "ko", "active", .integer(t), .integer(t),
            ])
        }
    }
    try connection.copyIn(
        """
        COPY delivery (subscription_id, concert_id, concert_revision, kind, offset_seconds, due_at, state, attempts,
            next_attempt_at, created_at) FROM STDIN
        """
    ) { writer in
        for index in 0..<rows {
            try writer.append([
                .text("s\(index)"), "c1", 1, "reminder", 86400, .integer(t - 1000), "scheduled", 0,
                .integer(t - 1000), .integer(t),
            ])
        }
    }
    try connection.execute("ANALYZE")
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

let startWall = DispatchTime.now().uptimeNanoseconds
let startCPU = cpuSeconds()
var records: [DeliveryRecord] = []
var claimedTotal = 0
while true {
    let due = try store.dueDeliveries(now: now, limit: batch, excluding: [])
    if due.isEmpty && records.isEmpty { break }
    let claimed = try store.claim(due, skipping: [], recording: records, now: now).sending
    claimedTotal += claimed.count
    records = claimed.map {
        DeliveryRecord(
            delivery: $0.delivery, subscription: $0.subscription, outcome: .sent("HTTP 204"),
            newState: .sent, nextAttempt: nil, reason: nil, error: nil, finishedAt: now)
    }
}
let wall = Double(DispatchTime.now().uptimeNanoseconds - startWall) / 1e9
let cpu = cpuSeconds() - startCPU
print(
    String(
        format: "%d rows, batch %d: %.0f rows/s, wall %.1f µs/row, client CPU %.1f µs/row", claimedTotal, batch,
        Double(claimedTotal) / wall, wall * 1e6 / Double(claimedTotal), cpu * 1e6 / Double(claimedTotal)))

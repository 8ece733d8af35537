// Store scale benchmark: imports N subscriptions over the 16 cities (3 offsets each) into a fresh
// database file with the same code path as `concertctl subscribe --from`, then times the reads
// that `upcoming --limit 100` and `status` make. Prints one line per figure.
//
//   swift run -c release StoreScale [N] [database-path]
import ConcertCore
import Foundation

let count = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1_000_000 : 1_000_000
let path =
    CommandLine.arguments.count > 2
    ? CommandLine.arguments[2] : NSTemporaryDirectory() + "concertd-scale-\(getpid()).sqlite3"
for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }

func residentMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
    else { return -1 }
    return (Double(line.split(separator: " ")[1]) ?? 0) / 1024
}

func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let value = try body()
    return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

let catalogPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("etc/concertd/concerts.json5").path
let catalog = try CatalogLoader().load(path: catalogPath)
// A month before the season, so every concert is upcoming.
guard case .instant(let now)? = KoreaTime.parseMoment("2019-09-20T00:00+09:00") else { fatalError() }
let database = try AppDatabase.open(path: path)
try database.importCatalog(catalog, now: now)
// Experiments only: BENCH_SQL="sql;sql" runs statements before the import to measure what a schema part costs.
if let drops = ProcessInfo.processInfo.environment["BENCH_SQL"] {
    try database.writer.write { db in
        for statement in drops.split(separator: ";") { try db.execute(sql: String(statement)) }
    }
}

let cities = catalog.cities.map(\.id)
let batch = 100_000
var imported = 0
let (_, importSeconds) = try time {
    while imported < count {
        let n = min(batch, count - imported)
        let news = (0..<n).map { i -> NewSubscription in
            let index = imported + i
            return NewSubscription(
                channel: index % 2 == 0
                    ? .email("user\(index)@example.org")
                    : .webhook(url: "http://127.0.0.1:9/hook/\(index)", format: "generic", secret: "whsec_x"),
                cities: [cities[index % cities.count]])
        }
        try database.importSubscriptions(news, now: now)
        imported += n
    }
}
print(
    String(format: "import: %d subscriptions in %.1f s (%.0f/s)", count, importSeconds, Double(count) / importSeconds))
print(String(format: "import RSS: %.0f MiB", residentMiB()))

let (counters, countersSeconds) = try time { try database.counters() }
print(
    String(
        format: "counters (status): %.2f ms, deliveries scheduled = %d", countersSeconds * 1000,
        counters["delivery.scheduled"] ?? 0))
var samples: [Double] = []
for _ in 0..<50 {
    let (_, seconds) = try time { try database.upcoming(limit: 100) }
    samples.append(seconds * 1000)
}
samples.sort()
print(
    String(
        format: "upcoming --limit 100: p50 %.2f ms, p99 %.2f ms", samples[samples.count / 2],
        samples[samples.count * 99 / 100]))
let (reopened, openSeconds) = try time { try AppDatabase.open(path: path) }
let (next, nextSeconds) = try time { try reopened.earliestPending() }
print(
    String(
        format: "reopen + migrate check: %.1f ms; earliest pending %@ in %.2f ms", openSeconds * 1000,
        next.map(KoreaTime.iso8601) ?? "none", nextSeconds * 1000))
let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
print(String(format: "database file: %.0f MiB at %@", Double(size) / 1_048_576, path))

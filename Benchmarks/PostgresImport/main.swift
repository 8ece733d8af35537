// The bulk import of subscriptions on PostgreSQL (`importSubscriptions`, COPY in chunks): the
// shipped catalog's concerts are stored, then `rows` email subscriptions of one city each (the
// cities in turn, the default reminders) are imported in one transaction, as `concertctl
// subscribe --from` does, on an empty store. Prints subscriptions and reminders per second, and
// the client's CPU per subscription.
//
//   python3 Tests/EndToEnd/harness/postgres.py     # prints a port; then, in another shell:
//   swift run -c release PostgresImport postgresql://postgres@127.0.0.1:PORT/DB [rows]
import ConcertCore
import ConcertPostgres
import Foundation

let arguments = CommandLine.arguments
guard arguments.count > 1 else {
    FileHandle.standardError.write(Data("usage: PostgresImport URL [rows]\n".utf8))
    exit(64)
}
let url = try DatabaseURL(parsing: arguments[1])
let rows = arguments.count > 2 ? Int(arguments[2]) ?? 100_000 : 100_000
let store = try PostgresStore.open(settings: PostgresSettings(url: url), instanceName: "bench")
let catalog = try CatalogLoader().load(path: "etc/concertd/concerts.json5")
// 2019-10-01T00:00 in Korea: every concert of the catalog is ahead.
let now = Date(timeIntervalSince1970: 1_569_855_600)
let nowMillis = Int64(now.timeIntervalSince1970 * 1000)

try store.pool.withConnection { connection in
    try connection.execute(
        "TRUNCATE attempt, delivery, subscription_city, subscription, concert_city, concert, counter CASCADE")
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    for concert in catalog.concerts {
        let schedule = concert.schedule
        try connection.query(
            """
            INSERT INTO concert (id, origin, revision, status, starts_at, ends_at, reminder_deadline, time_announced,
                body, created_at, updated_at)
            VALUES ($1, 'catalog', 1, $2, $3, $4, $5, $6, $7, $8, $8)
            """,
            [
                .text(concert.id), .text(concert.status.rawValue),
                .integer(Int64(schedule.start.timeIntervalSince1970 * 1000)),
                .integer(Int64(schedule.end.timeIntervalSince1970 * 1000)),
                .integer(Int64(schedule.reminderDeadline.timeIntervalSince1970 * 1000)),
                .integer(schedule.isTimeAnnounced ? 1 : 0),
                .text(String(decoding: try encoder.encode(concert), as: UTF8.self)), .integer(nowMillis),
            ])
        try connection.query(
            "INSERT INTO concert_city (city_id, concert_id) SELECT DISTINCT unnest($1::text[]), $2",
            [.array(concert.cities), .text(concert.id)])
    }
}

let cities = Array(Set(catalog.concerts.flatMap(\.cities))).sorted()
let subscriptions = (0..<rows).map { index in
    NewSubscription(channel: .email("user\(index)@example.org"), cities: [cities[index % cities.count]])
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

let startWall = DispatchTime.now().uptimeNanoseconds
let startCPU = cpuSeconds()
let imported = try store.importSubscriptions(now: now) { importer in
    for subscription in subscriptions { _ = try importer.add(subscription) }
}
let wall = Double(DispatchTime.now().uptimeNanoseconds - startWall) / 1e9
let cpu = cpuSeconds() - startCPU
let reminders = try store.counters()["delivery.scheduled"] ?? 0
print(
    String(
        format:
            "%d subscriptions, %d reminders in %.2f s: %.0f subscriptions/s, %.0f reminders/s, client CPU %.1f µs/subscription",
        imported, reminders, wall, Double(imported) / wall, Double(reminders) / wall, cpu * 1e6 / Double(imported)))

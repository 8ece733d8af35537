import ConcertCore
import ConcertPostgres
import Foundation
import PostgresTestSupport
import Testing

/// What the daemon's configuration gives the PostgreSQL store, and the read-only opening
/// `check-config` uses.
@Suite(.timeLimit(.minutes(2)))
struct PostgresStoreConfigurationTests {
    @Test func theLeaseOutlastsTwiceTheLongestSendAndAMinuteAndNeverFallsBelowFiveMinutes() {
        #expect(PostgresStore.leaseSeconds(httpTimeout: .seconds(30), smtpTimeout: .seconds(60)) == 300)
        #expect(PostgresStore.leaseSeconds(httpTimeout: .seconds(30), smtpTimeout: .seconds(600)) == 1260)
        #expect(PostgresStore.leaseSeconds(httpTimeout: .seconds(3600), smtpTimeout: .seconds(60)) == 7260)
        #expect(PostgresStore.leaseSeconds(httpTimeout: .milliseconds(200_500), smtpTimeout: .seconds(1)) == 461)
    }

    @Test func settingsComeFromDatabaseURLAndItsPasswordAndNoneWithoutIt() throws {
        var configuration = DaemonConfiguration()
        #expect(PostgresStore.settings(for: configuration) == nil)
        configuration.databaseURL = try DatabaseURL(parsing: "postgresql://concertd@db.example.org:5433/reminders")
        configuration.databasePassword = Secret("s3cret")
        configuration.instanceName = "east-1"
        let settings = try #require(PostgresStore.settings(for: configuration))
        #expect(settings.url.host == "db.example.org")
        #expect(settings.url.database == "reminders")
        #expect(settings.password?.revealed == "s3cret")
        #expect(settings.applicationName == "concertd/east-1")
    }

    @Test func openingToReadFindsNoStoreInAnEmptyDatabaseAndRefusesWrites() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let settings = PostgresSettings(url: url)
        #expect(try PostgresStore.openToRead(settings: settings, instanceName: "check") == nil)
        let store = try PostgresStore.open(settings: settings, instanceName: "a")
        let concert = Concert(
            id: "c1", cities: ["seoul"],
            schedule: .timed(
                start: Date(timeIntervalSince1970: 1_900_000_000), end: Date(timeIntervalSince1970: 1_900_003_600)))
        try store.addConcert(concert, now: Date(timeIntervalSince1970: 1_800_000_000))
        let reader = try #require(try PostgresStore.openToRead(settings: settings, instanceName: "check"))
        #expect(try reader.schemaVersion() == StoreSchema.migrations.count)
        #expect(try reader.concerts().map(\.concert.id) == ["c1"])
        #expect(throws: (any Error).self) {
            try reader.changeConcert(id: "c1", now: Date(timeIntervalSince1970: 1_800_000_000)) {
                $0.status = .cancelled
            }
        }
        #expect(try store.concert(id: "c1")?.concert.status == .scheduled)
    }
}

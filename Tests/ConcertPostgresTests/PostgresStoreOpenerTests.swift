import ConcertCore
import Foundation
import PostgresTestSupport
import Testing

@testable import ConcertPostgres

/// The opener a daemon uses for `database_url`: one live instance per `instance_name`, checked
/// under a lock on the name, so that instances starting together cannot both pass the check.
@Suite(.timeLimit(.minutes(2)))
struct PostgresStoreOpenerTests {
    func configuration(_ url: DatabaseURL, instance: String) -> DaemonConfiguration {
        var configuration = DaemonConfiguration()
        configuration.databaseURL = url
        configuration.instanceName = instance
        return configuration
    }

    @Test func noOpenerWithoutADatabaseURL() {
        #expect(PostgresStoreOpener(configuration: DaemonConfiguration()) == nil)
    }

    @Test func aNameALiveSessionUsesIsRefusedUntilThatSessionEnds() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let opener = try #require(PostgresStoreOpener(configuration: configuration(url, instance: "east-1")))
        let first = try #require(try opener.open() as? PostgresStore)
        #expect(throws: InstanceNameInUse.self) { _ = try opener.open() }
        let other = try #require(PostgresStoreOpener(configuration: configuration(url, instance: "west-1")))
        (try other.open() as? PostgresStore)?.close()
        // A reader (`check-config`) beside the running instance is not refused, nor counts as
        // the instance it reads as.
        let reader = try #require(try opener.openToRead() as? PostgresStore)
        defer { reader.close() }
        _ = try reader.schemaVersion()
        first.close()
        (try opener.open() as? PostgresStore)?.close()
    }

    /// The second start waits on the name's lock while the first is between its check and its own
    /// sessions, then finds them: without the lock, it would pass its check in that window.
    @Test func aStartUnderTheSameNameWaitsForTheOneCheckingAndIsThenRefused() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let opener = try #require(PostgresStoreOpener(configuration: configuration(url, instance: "same")))
        let second = Result<(any ConcertdStore)?, any Error>.Box()
        let first = try await ThrowawayPostgres.blocking {
            try PostgresStoreOpener.holdingInstanceName(opener.settings, "same") {
                let done = DispatchSemaphore(value: 0)
                Thread {
                    second.set(Result { try opener.open() })
                    done.signal()
                }.start()
                // The second start is now at its check, or waiting for the lock.
                Thread.sleep(forTimeInterval: 1)
                let store = try PostgresStore.open(settings: opener.settings, instanceName: "same")
                return (store, done)
            }
        }
        defer { first.0.close() }
        _ = first.1.wait(timeout: .now() + 30)
        let result = try #require(second.get())
        #expect(throws: InstanceNameInUse.self) { _ = try result.get() }
        if case .success(let store) = result { (store as? PostgresStore)?.close() }
    }
}

extension Result {
    /// One result handed from a thread to the test.
    final class Box: @unchecked Sendable {
        // @unchecked: `value` is guarded by `lock`.
        private let lock = NSLock()
        private var value: Result?
        func set(_ result: Result) { lock.withLock { value = result } }
        func get() -> Result? { lock.withLock { value } }
    }
}

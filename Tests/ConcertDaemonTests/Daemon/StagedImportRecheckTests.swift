import ConcertCore
import ConcertProtocol
import Foundation
import Testing

@testable import ConcertDaemon

/// A staged import is checked again at commit against the catalog and configuration then in
/// force: a reload between stage and commit that dropped a line's city or turned email off
/// leaves that line out, named in `rejected`, and imports the rest.
@Suite(.serialized, .timeLimit(.minutes(1))) struct StagedImportRecheckTests {
    let reloads = CatalogReloadCityTests()
    let changes = ConcertChangeTests()

    func stage(_ lines: [String], _ client: RawControlClient) throws -> String {
        try client.send(ControlMethods.subscribeBulkStage, SubscribeBulkStageParams(lines: lines), id: 1)
        let staged = try client.readReply().decodeResult(as: SubscribeBulkStageResult.self)
        #expect(staged.staged == lines.count && staged.rejected.isEmpty, "\(staged.rejected)")
        return staged.batch
    }

    func commit(_ batch: String, _ client: RawControlClient) throws -> SubscribeBulkResult {
        try client.send(ControlMethods.subscribeBulkCommit, SubscribeBulkCommitParams(batch: batch), id: 2)
        return try client.readReply().decodeResult(as: SubscribeBulkResult.self)
    }

    @Test func aLineWhoseCityAReloadDroppedIsRejectedAtCommit() async throws {
        let (daemon, catalogPath, shipped, directory) = try reloads.daemonWithEditableCatalog()
        defer {
            daemon.remove()
            directory.remove()
        }
        let client = try RawControlClient(path: daemon.socketPath)
        let batch = try stage(
            [
                #"{"cities":["busan"],"webhook":"http://127.0.0.1:9/a","format":"slack"}"#,
                #"{"cities":["daegu"],"webhook":"http://127.0.0.1:9/b","format":"slack"}"#,
                #"{"cities":["daegu","busan"],"webhook":"http://127.0.0.1:9/c","format":"slack"}"#,
            ], client)
        // Nothing stored names busan yet, so the reload dropping it is applied.
        try reloads.withoutBusan(shipped).write(toFile: catalogPath, atomically: true, encoding: .utf8)
        let reload = await changes.ctl(daemon, "reload")
        #expect(reload.status == 0, "\(reload.error)")

        let committed = try commit(batch, client)
        #expect(committed.imported == 1)
        #expect(committed.rejected.map(\.line) == [1, 3])
        #expect(
            committed.rejected.allSatisfy { $0.reason.contains("unknown city 'busan'") }, "\(committed.rejected)")
        let stored = try daemon.daemon.database.subscriptions()
        #expect(stored.map(\.cities) == [["daegu"]])
    }

    @Test func anEmailLineStagedBeforeAReloadTurnedEmailOffIsRejectedAtCommit() async throws {
        let email = "smtp_url = smtp://127.0.0.1:9\nmail_from = alerts@concertd.example.org\n"
        let daemon = try TestDaemon(config: email, emailOverrides: false)
        defer { daemon.remove() }
        let client = try RawControlClient(path: daemon.socketPath)
        #expect(await changes.ctl(daemon, "subscribe", "busan", "--email", "kept@example.org", "--quiet").status == 0)
        let batch = try stage(
            [
                #"{"cities":["busan"],"email":"a@example.org"}"#,
                #"{"cities":["busan"],"webhook":"http://127.0.0.1:9/a","format":"slack"}"#,
            ], client)
        try "".write(toFile: daemon.directory + "/concertd.conf", atomically: true, encoding: .utf8)
        let reload = await changes.ctl(daemon, "reload")
        #expect(reload.status == 0, "\(reload.error)")
        // The subscription made while email was on stays, and the reply says its reminders wait.
        #expect(
            (reload.output + reload.error).contains("1 email subscription")
                && (reload.output + reload.error).contains("held"), "\(reload.output) \(reload.error)")

        let committed = try commit(batch, client)
        #expect(committed.imported == 1)
        #expect(committed.rejected.map(\.line) == [1])
        #expect(committed.rejected.first?.reason.contains("email reminders are off") == true, "\(committed.rejected)")
    }
}

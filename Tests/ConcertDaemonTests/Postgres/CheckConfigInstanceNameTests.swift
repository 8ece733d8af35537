import ConcertCore
import ConcertPostgres
import Foundation
import PostgresTestSupport
import Testing

@testable import ConcertDaemon

/// `check-config` on PostgreSQL says when a live session already serves its `instance_name`:
/// a start would be refused, and the note names the session as that refusal does.
@Suite(.serialized, .timeLimit(.minutes(2))) struct CheckConfigInstanceNameTests {
    @Test func checkConfigNamesTheLiveSessionOfItsInstanceName() async throws {
        let url = try await ThrowawayPostgres.shared().makeDatabase()
        let running = try await TestDaemon.onPostgres(url, instance: "east-1")
        defer { running.remove() }
        let folder = TemporarySocket()
        defer { folder.remove() }
        let checks = CheckConfigTests()
        let taken = try checks.checkConfig(
            [try checks.postgresConfig(url, in: folder, instance: "east-1"), "--catalog", TestDaemon.catalogPath],
            directory: folder.directory)
        #expect(taken.status == 0, "\(taken.output)\(taken.error)")
        let line = taken.output.split(separator: "\n").first { $0.contains("instance_name 'east-1' is in use") }
        let note = try #require(line, "\(taken.output)")
        #expect(note.contains("server pid "), "\(note)")
        #expect(note.contains("connected since "), "\(note)")
        #expect(note.contains("a start of this instance is refused"), "\(note)")
        let free = try checks.checkConfig(
            [try checks.postgresConfig(url, in: folder, instance: "west-1"), "--catalog", TestDaemon.catalogPath],
            directory: folder.directory)
        #expect(free.status == 0, "\(free.output)\(free.error)")
        #expect(!free.output.contains("is in use"), "\(free.output)")
    }
}

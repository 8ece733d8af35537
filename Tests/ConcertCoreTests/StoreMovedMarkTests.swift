import ConcertCore
import Foundation
import GRDB
import Testing

/// A SQLite file `concertd migrate-store` moved into PostgreSQL keeps its rows for a rollback, but
/// carries the move's mark: the daemon and `check-config` refuse it, naming where the store went
/// and how to use the file again, until the mark is taken off.
@Suite struct StoreMovedMarkTests {
    @Test func aMarkedFileIsRefusedByEveryOpenerUntilTheMarkIsTakenOff() throws {
        let path = Fixtures.temporaryDirectory() + "/state/concertd.sqlite3"
        let now = Fixtures.korea("2019-10-01T00:00")
        do {
            let store = try AppDatabase.open(path: path)
            _ = try store.createSubscription(
                NewSubscription(channel: .email("a@example.org"), cities: ["seoul"]), now: now)
        }
        #expect(try AppDatabase.movedMark(path: path) == nil)
        let movedAt = Date(timeIntervalSince1970: 1_796_000_000)
        try AppDatabase.markMoved(path: path, to: "db.example.org:5432/concertd", at: movedAt)
        let mark = try #require(try AppDatabase.movedMark(path: path))
        #expect(mark.destination == "db.example.org:5432/concertd")
        #expect(mark.movedAt == movedAt)

        let openers: [(String, () throws -> Any?)] = [
            ("open", { try SQLiteStoreOpener(path: path).open() }),
            ("openToRead", { try SQLiteStoreOpener(path: path).openToRead() }),
        ]
        for (name, open) in openers {
            let error = #expect(throws: StoreMoved.self, "\(name)") { _ = try open() }
            let text = error?.description ?? ""
            #expect(text.contains("postgresql://db.example.org:5432/concertd"), "\(text)")
            #expect(text.contains("database_url"), "\(text)")
            #expect(text.contains("concertd migrate-store --undo-mark \(path)"), "\(text)")
            #expect(StoreError.isTemporaryFailure(error!) == false)
        }

        // The rows stay for a rollback: taken off, the file opens as it was.
        #expect(try AppDatabase.unmarkMoved(path: path) == mark)
        #expect(try AppDatabase.movedMark(path: path) == nil)
        let store = try SQLiteStoreOpener(path: path).open()
        #expect(try store.subscriptions().count == 1)
        #expect(try AppDatabase.unmarkMoved(path: path) == nil, "a file with no mark is left as it is")
    }
}

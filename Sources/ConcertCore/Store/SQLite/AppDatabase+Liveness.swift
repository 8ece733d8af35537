import Foundation
import GRDB

extension AppDatabase {
    /// Whether the database answers a read within `timeout`.
    ///
    /// The read runs on a reader connection of the pool, which a writer does not block (WAL): a
    /// long write transaction (a million-row import holds one for half a minute) is no failure.
    /// The read runs on a thread of its own; while one is unanswered no other is started.
    public func readLiveness(timeout: Duration) -> LivenessReport {
        let answer = readProbe.check(timeout: timeout) { reply in
            let writer = self.writer
            DispatchQueue.global().async {
                do {
                    _ = try writer.read { db in try Int.fetchOne(db, sql: "SELECT value FROM counter LIMIT 1") }
                    reply(nil)
                } catch {
                    reply("the database cannot be read: \(StoreFault.describe(error))")
                }
            }
        }
        switch answer {
        case .answered(nil): return LivenessReport()
        case .answered(let problem?): return LivenessReport(problems: [problem])
        case .waiting(let seconds):
            return LivenessReport(problems: ["the database has not answered a read for \(Int(seconds)) s"])
        }
    }
}

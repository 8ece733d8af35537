import Foundation

/// Asks something that may hang (a serial queue, a database connection) whether it still answers,
/// waiting at most a bound.
///
/// One question is outstanding at a time: while an answer is awaited, later checks wait for that
/// same answer, so a hung answerer gathers no pile of questions. Times are on the monotonic clock.
package final class LivenessProbe: @unchecked Sendable {
    // @unchecked: `askedAt` and `problem` are only touched while holding `condition`.
    private let condition = NSCondition()
    /// Where a store's read runs: a serial queue of its own, not a global one (the first work
    /// item on a global concurrent queue starts libdispatch's worker pool monitor, which then wakes
    /// the daemon every second). One read is outstanding at a time anyway.
    let readQueue = DispatchQueue(label: "concertd.liveness-read")
    private var askedAt: ContinuousClock.Instant?
    private var problem: String?

    package init() {}

    /// What a check found.
    package enum Answer: Sendable, Equatable {
        /// The question was answered, with the problem it reported (`nil`: none).
        case answered(problem: String?)
        /// No answer yet to a question asked this long ago.
        case waiting(seconds: Double)
    }

    /// Asks `question` (unless a question is already outstanding) and waits up to `timeout` for
    /// the answer. `question` must call its reply handler exactly once, from any thread, with a
    /// problem or `nil`.
    package func check(
        timeout: Duration, _ question: (_ reply: @escaping @Sendable (String?) -> Void) -> Void
    ) -> Answer {
        condition.lock()
        let ask = askedAt == nil
        if ask { askedAt = .now }
        condition.unlock()
        if ask {
            question { [self] problem in
                condition.lock()
                self.problem = problem
                askedAt = nil
                condition.broadcast()
                condition.unlock()
            }
        }
        let deadline = Date().addingTimeInterval(timeout.seconds)
        condition.lock()
        defer { condition.unlock() }
        while let asked = askedAt {
            if !condition.wait(until: deadline) {
                return .waiting(seconds: (ContinuousClock.now - asked).seconds)
            }
        }
        return .answered(problem: problem)
    }
}

extension LivenessProbe {
    /// Whether a store answers `read` within `timeout`: the read runs on a thread of its own, and
    /// while one is unanswered no other is started. Each engine gives only its read.
    package func checkStoreRead(timeout: Duration, _ read: @escaping @Sendable () throws -> Void) -> LivenessReport {
        let answer = check(timeout: timeout) { reply in
            readQueue.async {
                do {
                    try read()
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

extension Duration {
    /// The duration in seconds, for `Date` arithmetic.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

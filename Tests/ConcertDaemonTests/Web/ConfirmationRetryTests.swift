import ConcertCore
import Synchronization
import Testing

@testable import ConcertDaemon

/// The confirmation message (email or chat post) is tried again after a transient failure, a
/// bounded few times, on an injected schedule: no test waits on the real clock.
@Suite(.timeLimit(.minutes(1)))
struct ConfirmationRetryTests {
    /// A sender answering the verdicts in turn, and a schedule that records each wait and runs at once.
    final class Fake: Sendable {
        let verdicts: Mutex<[Verdict]>
        let waits = Mutex<[Duration]>([])
        let attempts = Mutex(0)
        let finished = Mutex<(Verdict, Int)?>(nil)

        init(_ verdicts: [Verdict]) { self.verdicts = Mutex(verdicts) }

        func run(_ retry: ConfirmationRetry = .standard) -> (
            verdict: Verdict, attempts: Int, waits: [Duration], sent: Int
        ) {
            var retry = retry
            retry.schedule = { wait, work in
                self.waits.withLock { $0.append(wait) }
                work()
            }
            retry.run { done in
                self.attempts.withLock { $0 += 1 }
                let next = self.verdicts.withLock { $0.isEmpty ? Verdict.sent(detail: "250") : $0.removeFirst() }
                done(next)
            } finished: { verdict, attempts in
                self.finished.withLock { $0 = (verdict, attempts) }
            }
            let (verdict, attempts) = finished.withLock { $0! }
            return (verdict, attempts, waits.withLock { $0 }, self.attempts.withLock { $0 })
        }
    }

    static let refused = Verdict.destinationFailed(error: "connection refused", retryAfter: nil)
    static let busy = Verdict.retryable(error: "HTTP 503", retryAfter: nil)

    @Test func aTransientFailureIsTriedAgainUntilSent() {
        let outcome = Fake([Self.refused, Self.busy]).run()
        #expect(outcome.verdict == .sent(detail: "250"))
        #expect(outcome.attempts == 3)
        #expect(outcome.sent == 3)
        #expect(outcome.waits == [.seconds(15), .seconds(60)])
    }

    @Test func threeTransientFailuresEndTheTriesWithinTwoMinutes() {
        let outcome = Fake([Self.busy, Self.busy, Self.busy, Self.busy]).run()
        #expect(outcome.verdict == Self.busy)
        #expect(outcome.attempts == 3)
        #expect(outcome.sent == 3)
        #expect(outcome.waits.reduce(.zero, +) <= .seconds(120))
    }

    @Test(arguments: [
        Verdict.permanent(error: "550 no such user"), .gone(error: "HTTP 410"), .sent(detail: "HTTP 200"),
    ])
    func aLastingFailureOrASendIsNotTriedAgain(verdict: Verdict) {
        let outcome = Fake([verdict]).run()
        #expect(outcome.verdict == verdict)
        #expect(outcome.attempts == 1)
        #expect(outcome.waits.isEmpty)
    }

    @Test func aReceiversRetryAfterIsHeldUpToTheLongestWait() {
        let asked = Fake([.retryable(error: "HTTP 429", retryAfter: 40)]).run()
        #expect(asked.waits == [.seconds(40)])
        #expect(asked.attempts == 2)
        let tooLong = Fake([.retryable(error: "HTTP 429", retryAfter: 3600)]).run()
        #expect(tooLong.attempts == 1)
        #expect(tooLong.waits.isEmpty)
        let nonsense = Fake([
            .retryable(error: "HTTP 429", retryAfter: -.infinity), .retryable(error: "x", retryAfter: .nan),
        ])
        .run()
        #expect(nonsense.waits == [.seconds(15), .seconds(60)])
    }
}

import ConcertCore
import Dispatch

/// How a confirmation message (the email, the post to a chat channel) is tried again.
///
/// A citizen waits for it, so a transient failure (a smarthost 4xx or refused connection, a
/// webhook's 429, 5xx or timeout: ``Verdict/retryable(error:retryAfter:)`` and
/// ``Verdict/destinationFailed(error:retryAfter:)``) is tried again a few times in process, after
/// `delays` (longer when the receiver asks with `Retry-After`, up to `longestDelay`). A lasting
/// failure (a refused recipient, a 4xx, a 410) is not. Nothing is kept: if the daemon stops
/// meanwhile the message is lost, and the citizen asks again (the limits leave room for that).
struct ConfirmationRetry: Sendable {
    /// The waits before the second, third, … attempt; one attempt more than waits.
    var delays: [Duration]
    /// The longest wait a receiver's `Retry-After` can ask for; a longer one ends the tries.
    var longestDelay: Duration
    /// Runs the closure after the wait (the tests run it at once and record the wait).
    var schedule: @Sendable (Duration, @escaping @Sendable () -> Void) -> Void

    /// Three attempts within about two minutes: at once, after 15 s, after another 60 s.
    static let standard = ConfirmationRetry(
        delays: [.seconds(15), .seconds(60)], longestDelay: .seconds(60),
        schedule: { delay, work in
            let (seconds, attoseconds) = delay.components
            let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds), execute: work)
        })

    /// Calls `attempt` until it is sent, fails for good or the attempts run out; `finished` gets
    /// the last verdict and how many attempts were made.
    func run(
        _ attempt: @escaping @Sendable (@escaping @Sendable (Verdict) -> Void) -> Void,
        finished: @escaping @Sendable (Verdict, _ attempts: Int) -> Void
    ) {
        step(1, attempt, finished)
    }

    private func step(
        _ number: Int, _ attempt: @escaping @Sendable (@escaping @Sendable (Verdict) -> Void) -> Void,
        _ finished: @escaping @Sendable (Verdict, Int) -> Void
    ) {
        attempt { verdict in
            guard let wait = self.wait(after: verdict, attempt: number) else {
                finished(verdict, number)
                return
            }
            self.schedule(wait) { self.step(number + 1, attempt, finished) }
        }
    }

    /// The wait before trying again after `verdict` of attempt `number` (from 1), or nil: sent,
    /// failed for good, out of attempts, or asked to wait longer than `longestDelay`.
    func wait(after verdict: Verdict, attempt number: Int) -> Duration? {
        let asked: Double?
        switch verdict {
        case .retryable(_, let retryAfter), .destinationFailed(_, let retryAfter): asked = retryAfter
        case .sent, .permanent, .gone: return nil
        }
        guard number >= 1, number <= delays.count else { return nil }
        let planned = delays[number - 1]
        guard let asked, asked.isFinite, asked > 0 else { return planned }
        guard asked <= Double(longestDelay.components.seconds) else { return nil }
        return max(planned, .seconds(asked.rounded(.up)))
    }
}

import ConcertCore
import Foundation
import GRDB
import Testing

/// After anything the scheduler is told or sees (the timer firing a fraction of a millisecond
/// late, verdicts at odd moments, slow sends holding a destination's one slot, test messages,
/// pauses and resumes, a failing smarthost), no pending row is left behind: every row already
/// due is waited for by its busy or held destination (or by any free slot, when all are taken),
/// and the timer is armed no later than the earliest row not yet due and the earliest release
/// of a held destination.
@Suite(.timeLimit(.minutes(2))) struct SchedulerArmingInvariantTests {
    /// A small deterministic generator (SplitMix64), so that a failing run can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let maximumInFlight = 4

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// What breaks the invariant after one step, or `nil`.
    static func violation(_ h: SchedulerHarness) throws -> String? {
        let now = h.clock.now()
        let status = h.scheduler.status()
        let held = Set(status.failingDestinations.filter { ($0.retryAt ?? .distantPast) > now }.map(\.destination))
        let releases = status.failingDestinations.compactMap(\.retryAt).filter { $0 > now }
        let (stranded, nextDue) = try h.database.writer.read { db in
            // Every slot taken: due rows wait for any verdict.
            let sending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE state = 'sending'") ?? 0
            let stranded = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.id, s.destination, d.next_attempt_at FROM delivery d JOIN subscription s ON s.id = d.subscription_id
                    WHERE d.state IN ('scheduled', 'retrying') AND d.next_attempt_at <= ? AND NOT EXISTS (
                        SELECT 1 FROM delivery d2 JOIN subscription s2 ON s2.id = d2.subscription_id
                        WHERE d2.state = 'sending' AND s2.destination = s.destination)
                    """,
                arguments: [millis(now)]
            ).filter { !held.contains($0["destination"] as String) && sending < maximumInFlight }
            let nextDue = try Int64.fetchOne(
                db,
                sql:
                    "SELECT MIN(next_attempt_at) FROM delivery WHERE state IN ('scheduled', 'retrying') AND next_attempt_at > ?",
                arguments: [millis(now)])
            return (stranded, nextDue.map { Date(timeIntervalSince1970: Double($0) / 1000) })
        }
        let armed = h.timer.armedFor
        if !stranded.isEmpty, (armed ?? .distantFuture) > now {
            let rows = stranded.map { "\($0["id"] as Int64)@\($0["destination"] as String)" }
            return
                "due rows with room left unsent at \(now.timeIntervalSince1970): \(rows), timer \(String(describing: armed))"
        }
        if let earliest = ([nextDue].compactMap { $0 } + releases).min(), (armed ?? .distantFuture) > earliest {
            return "timer armed for \(String(describing: armed)) but something falls due at \(earliest)"
        }
        return nil
    }

    /// Runs `steps` random operations from one seed, checking the invariant after each.
    static func run(seed: UInt64, steps: Int) throws {
        var random = SplitMix(state: seed)
        let h = try SchedulerHarness(
            now: "2019-10-22T13:59:40", limits: SendLimits(maximumInFlight: maximumInFlight, maximumPerDestination: 1),
            retry: RetryPolicy(initialDelay: 3, maximumDelay: 20, maximumAttempts: 12))
        var subscriptions: [Subscription] = []
        for (index, host) in ["a", "a", "b", "c", "d"].enumerated() {
            subscriptions.append(
                try h.subscribe(["daegu"], webhook: "https://\(host).example.org/\(index)", before: "7d,1d,1h"))
        }
        subscriptions.append(try h.subscribe(["daegu"], email: "e@example.org"))
        subscriptions.append(try h.subscribe(["daegu"], email: "f@example.org"))
        try h.scheduler.start()
        h.settle()
        let webhookAnswers: [RecordingChannel.Behaviour] = [
            .answer(.retryable(error: "connection refused", retryAfter: nil)),
            .answer(.retryable(error: "connection refused", retryAfter: nil)), .succeed, .hang,
        ]
        let emailAnswers: [RecordingChannel.Behaviour] = [
            .answer(.retryable(error: "451 try later", retryAfter: nil)),
            .answer(.destinationFailed(error: "421 busy", retryAfter: nil)), .succeed, .hang,
        ]
        var paused: Set<String> = []
        for step in 0..<steps {
            h.webhook.setFallback(webhookAnswers.randomElement(using: &random)!)
            h.email.setFallback(emailAnswers.randomElement(using: &random)!)
            let operation = Int.random(in: 0..<10, using: &random)
            var done = ""
            switch operation {
            case 0..<5:
                // Time passes; the timer fires up to 1.5 ms late each time it is due, as a timerfd may.
                let target = h.clock.now().addingTimeInterval(Double.random(in: 0..<6, using: &random))
                var fires = 0
                while let armed = h.timer.armedFor, armed <= target, fires < 1000 {
                    h.clock.set(
                        max(h.clock.now(), armed.addingTimeInterval(Double.random(in: 0..<0.0015, using: &random))))
                    h.timer.fire(on: h.queue)
                    h.settle()
                    fires += 1
                }
                h.clock.set(max(h.clock.now(), target))
                done = "advance to \(h.clock.now().timeIntervalSince1970)"
            case 5, 6:
                let channel = Bool.random(using: &random) ? h.webhook : h.email
                let verdict: Verdict =
                    Bool.random(using: &random) ? .sent(detail: "ok") : .retryable(error: "timeout", retryAfter: nil)
                h.clock.advance(by: Double.random(in: 0..<0.002, using: &random))
                channel.release(verdict)
                done = "release \(verdict.name)"
            case 7:
                let subscription = subscriptions.randomElement(using: &random)!
                h.scheduler.sendTest(subscriptionID: subscription.id) { _ in }
                done = "test \(subscription.id)"
            case 8:
                let subscription = subscriptions.randomElement(using: &random)!
                let resume = paused.contains(subscription.id)
                _ = try h.database.setSubscriptionState(
                    id: subscription.id, to: resume ? .active : .paused, reason: nil, now: h.clock.now())
                if resume { paused.remove(subscription.id) } else { paused.insert(subscription.id) }
                h.scheduler.wake()
                done = (resume ? "resume " : "pause ") + subscription.id
            default:
                h.clock.advance(by: Double.random(in: 0..<0.002, using: &random))
                h.scheduler.wake()
                done = "wake"
            }
            for _ in 0..<6 { h.settle() }
            if let problem = try violation(h) {
                Issue.record("seed \(seed), step \(step) (\(done)): \(problem)")
                return
            }
        }
        // The run exercised what it is about: sends, retries and holds happened.
        #expect(h.webhook.messages.count > 20)
        #expect(h.email.messages.count > 5)
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func timerStaysArmedForTheEarliestRowWhateverHappens(seed: UInt64) throws {
        try Self.run(seed: seed, steps: 400)
    }
}

import ConcertCore
import Foundation
import Synchronization

/// An in-process channel that records every message and answers as told: succeed, fail in a
/// given way, or hang until released.
final class RecordingChannel: Channel {
    enum Behaviour: Sendable {
        case succeed
        case answer(Verdict)
        case hang
    }

    struct State {
        var sent: [OutboundMessage] = []
        var script: [Behaviour] = []
        var fallback: Behaviour = .succeed
        var hanging: [@Sendable (Verdict) -> Void] = []
    }

    let state = Mutex(State())

    init(_ fallback: Behaviour = .succeed) {
        state.withLock { $0.fallback = fallback }
    }

    /// The next sends answer these, in order, then the fallback.
    func script(_ behaviours: Behaviour...) {
        state.withLock { $0.script += behaviours }
    }

    func setFallback(_ behaviour: Behaviour) {
        state.withLock { $0.fallback = behaviour }
    }

    var messages: [OutboundMessage] { state.withLock { $0.sent } }
    var kinds: [String] { messages.map { "\($0.delivery.kind.rawValue):\($0.delivery.offset)" } }
    var hangingCount: Int { state.withLock { $0.hanging.count } }

    /// Completes every hanging send with `outcome`.
    func release(_ outcome: Verdict = .sent(detail: "released")) {
        let hanging = state.withLock { state in
            defer { state.hanging.removeAll() }
            return state.hanging
        }
        for completion in hanging { completion(outcome) }
    }

    func send(_ message: OutboundMessage, completion: @escaping @Sendable (Verdict) -> Void) {
        let behaviour = state.withLock { state -> Behaviour in
            state.sent.append(message)
            return state.script.isEmpty ? state.fallback : state.script.removeFirst()
        }
        switch behaviour {
        case .succeed: completion(.sent(detail: "recorded"))
        case .answer(let outcome): completion(outcome)
        case .hang: state.withLock { $0.hanging.append(completion) }
        }
    }
}

/// A timer the test fires by hand; it remembers what it was armed for.
final class ManualTimer: SchedulerTimer, @unchecked Sendable {
    private let lock = NSLock()
    private var handler: (@Sendable () -> Void)?
    private var _armedFor: Date?
    private(set) var armings = 0

    var armedFor: Date? { lock.withLock { _armedFor } }

    func arm(at date: Date?) {
        lock.withLock {
            _armedFor = date
            armings += 1
        }
    }

    func setHandler(_ handler: @escaping @Sendable () -> Void) {
        lock.withLock { self.handler = handler }
    }

    /// Runs the handler as the Dispatch source would, on the scheduler's queue, and waits for it.
    /// Like the source (`repeating: .never`), a timer that fired is disarmed until armed again.
    func fire(on queue: DispatchQueue) {
        let handler = lock.withLock {
            _armedFor = nil
            return self.handler
        }
        queue.sync { handler?() }
    }
}

/// What the control socket's accept loop tells the journal while `accept` fails (out of
/// descriptors, `EMFILE`): the loop pauses 100 ms and tries again, and an error per try would be ten a
/// second.
///
/// At most one error line each ``summaryInterval``: the first failure of a run, then a summary with
/// the tries that failed since the line before. One notice when clients are accepted again after an
/// error line. A server at its limit flaps (a client leaves, one is accepted, the next `accept`
/// fails again): those runs within the interval are counted into the next line, not said each.
struct AcceptFailureLog {
    enum Line: Equatable {
        /// The first failure of a run, after a quiet interval.
        case first(errno: Int32)
        /// Still failing, or failing again: `failures` tries failed in the `seconds` since the last line.
        case stillFailing(errno: Int32, failures: Int, seconds: Int)
        /// Accepting again after the run's `failures` failed tries over `seconds`.
        case recovered(failures: Int, seconds: Int)
    }

    static let summaryInterval = Duration.seconds(60)

    /// When the current run of failures began; `nil` while clients are accepted.
    private var runStart: ContinuousClock.Instant?
    private var runFailures = 0
    /// When the last error line was logged, and the failures since it.
    private var lastError: ContinuousClock.Instant?
    private var unsaid = 0
    private var recoverySaid = false

    /// Records a failed `accept`; returns the line to log, if any.
    mutating func failed(errno code: Int32, at now: ContinuousClock.Instant) -> Line? {
        if runStart == nil { runStart = now }
        runFailures += 1
        unsaid += 1
        if let lastError, now - lastError < Self.summaryInterval { return nil }
        let line: Line
        if let previous = lastError, unsaid > 1 {
            line = .stillFailing(errno: code, failures: unsaid, seconds: Int((now - previous).components.seconds))
        } else {
            line = .first(errno: code)
        }
        lastError = now
        unsaid = 0
        recoverySaid = false
        return line
    }

    /// Records an accepted client; returns the line that ends a run of failures, once per error line.
    mutating func accepted(at now: ContinuousClock.Instant) -> Line? {
        guard let runStart else { return nil }
        let failures = runFailures
        self.runStart = nil
        runFailures = 0
        guard lastError != nil, !recoverySaid else { return nil }
        recoverySaid = true
        return .recovered(failures: failures, seconds: Int((now - runStart).components.seconds))
    }
}

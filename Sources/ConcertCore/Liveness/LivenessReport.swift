/// Whether a part of the daemon still answers: what the watchdog and health checks report.
public struct LivenessReport: Sendable, Hashable {
    /// What is wrong, one sentence each; empty when alive.
    public var problems: [String] = []
    /// What is slow but alive (the scheduler waiting for the database's writer during an import).
    public var notes: [String] = []

    public init(problems: [String] = [], notes: [String] = []) {
        self.problems = problems
        self.notes = notes
    }

    public var isAlive: Bool { problems.isEmpty }

    /// Both reports' problems and notes.
    public static func + (lhs: LivenessReport, rhs: LivenessReport) -> LivenessReport {
        LivenessReport(problems: lhs.problems + rhs.problems, notes: lhs.notes + rhs.notes)
    }
}

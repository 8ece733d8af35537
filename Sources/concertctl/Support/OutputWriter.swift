import Foundation

/// Where a command's output goes: standard output and standard error, or a test's buffers.
struct OutputWriter: Sendable {
    var writeOutput: @Sendable (String) -> Void
    var writeError: @Sendable (String) -> Void

    /// The process's own standard output and error.
    static let terminal = OutputWriter(
        writeOutput: { FileHandle.standardOutput.write(Data($0.utf8)) },
        writeError: { FileHandle.standardError.write(Data($0.utf8)) })

    /// Writes `text` and a newline to standard output.
    func line(_ text: String = "") { writeOutput(text + "\n") }

    /// Writes `concertctl: <text>` and a newline to standard error.
    func error(_ text: String) { writeError("concertctl: \(text)\n") }

    /// Writes `<text>` and a newline to standard error: remarks beside a result meant for scripts.
    func note(_ text: String) { writeError(text + "\n") }

    /// Writes `concertctl: warning: <text>` and a newline to standard error.
    func warning(_ text: String) { writeError("concertctl: warning: \(text)\n") }
}

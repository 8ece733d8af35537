import Foundation

/// Where a command's output goes: standard output and standard error, or a test's buffers.
///
/// Text for people is ``HumanText``, whose values are shown with their control characters
/// escaped; only ``document(_:)`` (the `--json` output) writes a value as it is.
struct OutputWriter: Sendable {
    var writeOutput: @Sendable (String) -> Void
    var writeError: @Sendable (String) -> Void

    /// The process's own standard output and error.
    static let terminal = OutputWriter(
        writeOutput: { FileHandle.standardOutput.write(Data($0.utf8)) },
        writeError: { FileHandle.standardError.write(Data($0.utf8)) })

    /// Writes `text` and a newline to standard output.
    func line(_ text: HumanText = "") { writeOutput(text.text + "\n") }

    /// Writes `concertctl: <text>` and a newline to standard error.
    func error(_ text: HumanText) { writeError("concertctl: \(text.text)\n") }

    /// Writes `<text>` and a newline to standard error: remarks beside a result meant for scripts.
    func note(_ text: HumanText) { writeError(text.text + "\n") }

    /// Writes `concertctl: warning: <text>` and a newline to standard error.
    func warning(_ text: HumanText) { writeError("concertctl: warning: \(text.text)\n") }

    /// Writes a JSON document (`--json`) and a newline to standard output, exactly as encoded:
    /// JSON escapes its own control characters, and scripts must see every value as it is.
    func document(_ json: String) { writeOutput(json + "\n") }
}

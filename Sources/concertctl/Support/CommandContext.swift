import Foundation

/// What a command may use from the outside world, so tests can run commands in-process.
struct CommandContext: Sendable {
    var output: OutputWriter
    var environment: [String: String]
    var uid: UInt32
    var fileExists: @Sendable (String) -> Bool
    /// Whether standard error is a terminal: long work then shows its progress there.
    var errorIsTerminal = false

    /// The real process: its output streams, environment and user.
    static func process() -> CommandContext {
        CommandContext(
            output: .terminal, environment: ProcessInfo.processInfo.environment, uid: getuid(),
            fileExists: { FileManager.default.fileExists(atPath: $0) }, errorIsTerminal: isatty(STDERR_FILENO) == 1)
    }

    /// Whether people reading the output prefer Korean (`LANG=ko_KR.UTF-8`).
    var prefersKorean: Bool {
        let language = environment["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 } ?? environment["LANG"] ?? ""
        return language.hasPrefix("ko")
    }
}

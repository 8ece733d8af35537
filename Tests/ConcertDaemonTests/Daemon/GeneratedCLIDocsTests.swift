import Foundation
import Testing

/// The committed completions and manual pages are what the built `concertctl` and `concertd`
/// generate from their command definitions (scripts/generate-cli-docs.sh), so they cannot
/// describe options the binaries do not have, or miss ones they do.
@Suite(.serialized, .timeLimit(.minutes(1))) struct GeneratedCLIDocsTests {
    static let binaries = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    static let root = TestDaemon.repositoryRoot

    /// The standard output of `executable` run with `arguments` in the repository, `input` on its
    /// standard input.
    func output(_ executable: String, _ arguments: [String], input: Data? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = Self.root
        let stdout = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardInput = stdin
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let input { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(executable) \(arguments) exited \(process.terminationStatus)")
        return String(decoding: data, as: UTF8.self)
    }

    func committed(_ path: String) throws -> String {
        try String(contentsOf: Self.root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test(arguments: [
        ("bash", "share/completions/concertctl.bash"), ("zsh", "share/completions/_concertctl"),
        ("fish", "share/completions/concertctl.fish"),
    ])
    func eachCommittedCompletionIsWhatConcertctlGenerates(shell: String, path: String) throws {
        let generated = try output(
            Self.binaries.appendingPathComponent("concertctl").path, ["--generate-completion-script", shell])
        #expect(try committed(path) == generated, "run scripts/generate-cli-docs.sh and commit \(path)")
    }

    @Test(arguments: [
        ("concertctl", "1", "Sources/concertctl", "share/man/man1/concertctl.1"),
        ("concertd", "8", "Sources/concertd", "share/man/man8/concertd.8"),
    ])
    func eachCommittedManualPageIsWhatItsToolGeneratesAndIsNotOlderThanItsSources(
        tool: String, section: String, sources: String, path: String
    ) throws {
        let page = try committed(path)
        let dateLine = try #require(page.split(separator: "\n").first { $0.hasPrefix(".Dd ") })
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = TimeZone(identifier: "UTC")
        parser.dateFormat = "MMMM d, yyyy"
        let date = try #require(parser.date(from: String(dateLine.dropFirst(4))))
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withFullDate]
        let help = try output(Self.binaries.appendingPathComponent(tool).path, ["--experimental-dump-help"])
        let generated = try output(
            "/usr/bin/python3", ["scripts/generate-man.py", "--section", section, "--date", iso.string(from: date)],
            input: Data(help.utf8))
        #expect(page == generated, "run scripts/generate-cli-docs.sh and commit \(path)")

        // Not older than the last commit that changed the tool (when this is a git checkout).
        if FileManager.default.fileExists(atPath: Self.root.appendingPathComponent(".git").path),
            let changed = try? output("/usr/bin/git", ["log", "-1", "--format=%as", "--", sources])
                .trimmingCharacters(in: .whitespacesAndNewlines),
            !changed.isEmpty
        {
            #expect(iso.string(from: date) >= changed, "\(path) is dated before \(sources) last changed (\(changed))")
        }
    }

    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/groff"), "needs groff"),
        arguments: ["share/man/man1/concertctl.1", "share/man/man8/concertd.8"])
    func eachManualPageFormatsWithoutAWarning(path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/groff")
        process.arguments = ["-mdoc", "-Tutf8", "-ww", "-z", Self.root.appendingPathComponent(path).path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let warnings = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && warnings.isEmpty, "\(warnings)")
    }
}

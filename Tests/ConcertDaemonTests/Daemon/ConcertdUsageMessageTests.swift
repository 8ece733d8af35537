import Foundation
import Testing

/// What the `concertd` binary prints before it starts: a usage error quoting the command line
/// is escaped for the terminal, and a configuration file that is a directory or cannot be read
/// is named by its real cause.
@Suite(.timeLimit(.minutes(1))) struct ConcertdUsageMessageTests {
    func run(_ arguments: [String]) throws -> (status: Int32, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ConcertdProcess.binary)
        process.arguments = arguments
        let errorPipe = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorPipe
        try process.run()
        let data = errorPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func anUnknownOptionWithAnEscapeSequenceIsPrintedEscaped() throws {
        let result = try run(["--bogus\u{1B}]0;X\u{07}"])
        #expect(result.status == 64)
        #expect(!result.error.contains("\u{1B}") && !result.error.contains("\u{07}"), "\(result.error)")
        #expect(result.error.contains(#"--bogus\u{1B}]0;X\u{07}"#), "\(result.error)")
    }

    @Test func checkConfigOfADirectoryOrAnUnreadableFileSaysWhy() throws {
        let directory = try run(["check-config", "/tmp"])
        #expect(directory.status == 78)
        #expect(directory.error.contains("/tmp: cannot read the file: it is a directory"), "\(directory.error)")
        #expect(!directory.error.contains("NSCocoaErrorDomain"))
        let memory = try run(["check-config", "/proc/self/mem"])
        #expect(memory.error.contains("cannot read the file: input/output error"), "\(memory.error)")
    }
}

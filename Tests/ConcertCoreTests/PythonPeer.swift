import Foundation
import Testing

/// Runs a Python snippet against an independent implementation (a PyPI package) and returns its output.
///
/// The packages are installed by `scripts/ensure-deps.sh test` (`make test`); when one is missing the
/// test fails and says how to install it rather than passing without checking anything.
enum PythonPeer {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ script: String, input: Data) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        // Read before waiting, so that a large output cannot block the child on a full pipe.
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }
}

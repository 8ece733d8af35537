import Foundation

/// A test peer from `Tests/Peers` run with python3 on 127.0.0.1 for one test, in its own temporary folder.
///
/// The script prints its port on the first line of stdout. Call `stop()` in a `defer` right after
/// starting it. Nothing here blocks a thread of Swift's cooperative pool, which tests running in
/// parallel share: a blocked pool delays every other test's awaits.
final class PeerProcess: Sendable {
    let port: Int
    /// A fresh temporary folder for the peer's records.
    let folder: URL
    private let process: Process

    static let peersFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Peers")

    /// Starts `script` with `arguments` (`{folder}` in an argument becomes the peer's folder) and
    /// waits, at most `startTimeout`, for its port.
    init(script: String, arguments: [String] = [], startTimeout: Duration = .seconds(20)) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "peer-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        self.folder = folder
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", Self.peersFolder.appendingPathComponent(script).path]
            + arguments.map { $0.replacingOccurrences(of: "{folder}", with: folder.path) }
        let output = Pipe()
        process.standardOutput = output
        let errorLog = folder.appendingPathComponent("stderr.txt")
        guard FileManager.default.createFile(atPath: errorLog.path, contents: nil) else {
            throw PeerError(message: "cannot create \(errorLog.path)")
        }
        process.standardError = try FileHandle(forWritingTo: errorLog)
        try process.run()
        self.process = process

        let firstLine = await Self.firstLine(of: output.fileHandleForReading, timeout: startTimeout)
        guard let firstLine, let port = Int(firstLine) else {
            kill(process.processIdentifier, SIGKILL)
            let errors = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: folder)
            throw PeerError(message: "\(script) did not print its port: \(errors)")
        }
        self.port = port
    }

    /// Sends SIGTERM to the peer's pid now; a background thread sends SIGKILL if it is still
    /// running 3 seconds later, then removes its folder.
    func stop() {
        let process = process
        let folder = folder
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        Thread {
            let deadline = ContinuousClock.now + .seconds(3)
            while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            try? FileManager.default.removeItem(at: folder)
        }.start()
    }

    /// The first line `handle` yields, or `nil` when none comes within `timeout`.
    private static func firstLine(of handle: FileHandle, timeout: Duration) async -> String? {
        await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
            let resumed = LockedBox(false)
            let finish: @Sendable (String?) -> Void = { line in
                guard
                    resumed.update({ done in
                        defer { done = true }
                        return !done
                    })
                else { return }
                continuation.resume(returning: line)
            }
            Thread {
                var bytes: [UInt8] = []
                while !bytes.contains(UInt8(ascii: "\n")) {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    bytes += chunk
                }
                finish(String(decoding: bytes, as: UTF8.self).split(separator: "\n").first.map(String.init))
            }.start()
            DispatchQueue.global().asyncAfter(deadline: .now() + Double(timeout.components.seconds)) { finish(nil) }
        }
    }
}

struct PeerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

import Foundation

/// A test peer from `Tests/Peers` run with python3 on 127.0.0.1 for one test, in its own temporary folder.
///
/// The script prints its port on the first line of stdout. Call `stop()` in a `defer` right after
/// starting it: it ends the process by its pid and removes the folder.
final class PeerProcess: Sendable {
    let port: Int
    /// A fresh temporary folder for the peer's records.
    let folder: URL
    private let process: Process

    static let peersFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Peers")

    /// Starts `script` with `arguments`; `{folder}` in an argument is replaced by the peer's folder.
    init(script: String, arguments: [String] = [], startTimeout: Duration = .seconds(20)) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("peer-\(UUID().uuidString.prefix(8))")
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

        let firstLine = Self.readLine(from: output.fileHandleForReading, timeout: startTimeout)
        guard let firstLine, let port = Int(firstLine) else {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let errors = (try? String(contentsOf: folder.appendingPathComponent("stderr.txt"), encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: folder)
            throw PeerError(message: "\(script) did not print its port: \(errors)")
        }
        self.port = port
    }

    /// Ends the peer by its pid (SIGTERM, then SIGKILL after 3 seconds) and removes its folder.
    func stop() {
        let pid = process.processIdentifier
        if process.isRunning { kill(pid, SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(3)
        while process.isRunning && ContinuousClock.now < deadline { usleep(10_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }

    /// The first line `handle` yields, or `nil` when none comes within `timeout`.
    private static func readLine(from handle: FileHandle, timeout: Duration) -> String? {
        let line = LockedBox<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread {
            var bytes: [UInt8] = []
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                bytes += chunk
                if bytes.contains(UInt8(ascii: "\n")) { break }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            line.set(text.split(separator: "\n").first.map(String.init))
            done.signal()
        }.start()
        let seconds = Double(timeout.components.seconds)
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return line.get()
    }
}

struct PeerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

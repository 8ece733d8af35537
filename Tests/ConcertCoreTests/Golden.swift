import Foundation
import Testing

/// Byte-for-byte comparison with files under `Golden/`; `GOLDEN_RECORD=1 swift test` rewrites them.
enum Golden {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Golden")

    static var isRecording: Bool { ProcessInfo.processInfo.environment["GOLDEN_RECORD"] == "1" }

    /// Checks `data` against `Golden/<path>`, or writes it there when recording.
    static func check(_ data: Data, path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(path)
        if isRecording {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
            return
        }
        guard let expected = FileManager.default.contents(atPath: url.path) else {
            Issue.record(
                "no golden file Golden/\(path): run GOLDEN_RECORD=1 swift test and review it",
                sourceLocation: sourceLocation)
            return
        }
        if expected != data {
            let expectedLines = String(decoding: expected, as: UTF8.self).components(separatedBy: "\n")
            let actualLines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
            let line =
                (0..<min(expectedLines.count, actualLines.count)).first { expectedLines[$0] != actualLines[$0] }
                ?? min(expectedLines.count, actualLines.count)
            let expectedLine = line < expectedLines.count ? expectedLines[line] : "<end of file>"
            let actualLine = line < actualLines.count ? actualLines[line] : "<end of file>"
            Issue.record(
                """
                Golden/\(path) differs at line \(line + 1) (GOLDEN_RECORD=1 swift test rewrites it):
                  expected: \(expectedLine)
                  actual:   \(actualLine)
                """, sourceLocation: sourceLocation)
        }
    }
}

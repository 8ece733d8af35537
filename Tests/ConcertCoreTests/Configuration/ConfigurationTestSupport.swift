import Foundation

@testable import ConcertCore

/// A temporary directory for one test, removed when the test ends (short path: socket limits).
final class TemporaryDirectory {
    let path: String

    init() throws {
        let template = "/tmp/cct-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard let created = mkdtemp(&bytes) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: created)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `contents` to `name` inside the directory and returns its path.
    @discardableResult
    func write(_ name: String, _ contents: String, permissions: Int = 0o600) throws -> String {
        let file = "\(path)/\(name)"
        try contents.write(toFile: file, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: file)
        return file
    }
}

/// The repository's root, found from this source file's path.
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path
}()

extension ConfigurationError {
    /// The problems printed, for assertions on the exact text a user sees.
    var lines: [String] { problems.map(\.description) }
}

/// Loads configuration text, returning the problems (empty when it loads).
func problems(
    loading contents: String, file: String = "/etc/concertd/concertd.conf", environment: [String: String] = [:]
) -> [String] {
    do {
        _ = try ConfigurationLoader(environment: environment).load(contents: contents, file: file)
        return []
    } catch {
        return error.lines
    }
}

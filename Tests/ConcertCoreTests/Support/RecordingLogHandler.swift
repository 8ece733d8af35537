import Foundation
import Logging

/// A log handler that keeps every entry, for tests of what reaches the journal.
struct RecordingLogHandler: LogHandler {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    final class Entries: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [Entry] = []
        func append(_ entry: Entry) { lock.withLock { entries.append(entry) } }
        var all: [Entry] { lock.withLock { entries } }
        /// The messages logged at `level`.
        func messages(at level: Logger.Level) -> [String] { all.filter { $0.level == level }.map(\.message) }
    }

    let entries: Entries
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    /// A logger at `trace` whose entries are kept in the returned store.
    static func logger() -> (Logger, Entries) {
        let entries = Entries()
        return (Logger(label: "test") { _ in RecordingLogHandler(entries: entries) }, entries)
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        entries.append(Entry(level: event.level, message: "\(event.message)", metadata: event.metadata ?? [:]))
    }
}

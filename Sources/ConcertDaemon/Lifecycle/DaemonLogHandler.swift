import ConcertCore
import ConcertShared
import Foundation
import Logging

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The daemon's swift-log handler: one line per event on stderr, readable in journald.
///
/// `2019-10-21T00:00:00.123Z info concertd: reminder sent delivery.id=d-7 subscription.id=sub-k3`
///
/// - No colours. Metadata is `key=value`, sorted by key, quoted when it has spaces; newlines are
///   written `\n` so that one event is always one line.
/// - When stderr is the journal (`$JOURNAL_STREAM` names it), no timestamp (journald adds its
///   own) and a `<N>` syslog priority prefix, so `journalctl -p warning` filters by level.
/// - Message and metadata pass through a ``SecretRedactor`` first: a secret that slips into a
///   log call is still masked.
///
/// Bootstrap it from the executable only, with settings that a reload updates:
/// `LoggingSystem.bootstrap { DaemonLogHandler(label: $0, settings: settings) }`.
public struct DaemonLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let settings: LogSettings
    /// A level set on one logger (`logger.logLevel = .debug`); otherwise the shared one applies.
    private var ownLevel: Logger.Level?
    private let journal: Bool
    private let write: @Sendable (String) -> Void

    /// - Parameters:
    ///   - settings: the level and the secrets to mask, shared by every handler and updated on reload.
    ///   - environment: where `JOURNAL_STREAM` is read.
    ///   - write: where lines go; standard error by default (tests capture them).
    public init(
        label: String,
        settings: LogSettings = LogSettings(),
        environment: [String: String] = ProcessInfo.processInfo.environment,
        metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider,
        write: @escaping @Sendable (String) -> Void = DaemonLogHandler.writeToStandardError
    ) {
        self.label = label
        self.settings = settings
        self.journal = Self.stderrIsJournal(environment: environment)
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public var logLevel: Logger.Level {
        get { ownLevel ?? settings.level }
        set { ownLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        let line = Self.format(
            level: event.level, label: label, message: event.message.description, metadata: merged,
            timestamp: journal ? nil : Date(), journal: journal, redactor: settings.redactor)
        write(line + "\n")
    }

    /// One event as one line (without the newline).
    static func format(
        level: Logger.Level, label: String, message: String, metadata: Logger.Metadata, timestamp: Date?,
        journal: Bool, redactor: SecretRedactor
    ) -> String {
        var line = journal ? "<\(syslogPriority(level))>" : ""
        if let timestamp { line += utcTimestamp(timestamp) + " " }
        line += "\(level.rawValue) \(label): \(escaped(redactor.redact(message)))"
        for key in metadata.keys.sorted() {
            let value = escaped(redactor.redact("\(metadata[key]!)"))
            let quoted = value.isEmpty || value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" })
            line += " \(key)=" + (quoted ? "\"\(value.replacingOccurrences(of: "\"", with: "\\\""))\"" : value)
        }
        return line
    }

    /// `2019-10-21T00:00:00.123Z`: the time to the millisecond, rounded down. Written digit by
    /// digit: every journal line outside journald carries one (`String(format:)` costs a few
    /// microseconds a call through Foundation's formatter).
    static func utcTimestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(milliseconds.quotientRoundedDown(by: 1000))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var text = ""
        text.reserveCapacity(24)
        func append(_ value: Int, digits: Int, then separator: Character?) {
            var divisor = 1
            for _ in 1..<digits { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                text.append(Character(Unicode.Scalar(UInt8(48 + (rest / divisor) % 10))))
                rest %= divisor
                divisor /= 10
            }
            if let separator { text.append(separator) }
        }
        append(Int(parts.tm_year) + 1900, digits: 4, then: "-")
        append(Int(parts.tm_mon) + 1, digits: 2, then: "-")
        append(Int(parts.tm_mday), digits: 2, then: "T")
        append(Int(parts.tm_hour), digits: 2, then: ":")
        append(Int(parts.tm_min), digits: 2, then: ":")
        append(Int(parts.tm_sec), digits: 2, then: ".")
        append(Int(milliseconds - milliseconds.quotientRoundedDown(by: 1000) * 1000), digits: 3, then: "Z")
        return text
    }

    /// sd-daemon's priorities: trace and debug are 7, critical is 2.
    static func syslogPriority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Control characters written as escapes so that an event stays on one line; the other
    /// characters a terminal would act on (C1 controls such as U+009B, bidirectional overrides,
    /// line separators) as concertctl shows them (``TerminalEscaping``), for a daemon run from a shell.
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: TerminalEscaping.mustEscape) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                result += String(format: "\\x%02x", scalar.value)
            case _ where TerminalEscaping.mustEscape(scalar):
                result += TerminalEscaping.escaped(String(scalar))
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// Whether standard error is the journal: `$JOURNAL_STREAM` is `device:inode` of the stream
    /// systemd connected, compared with what fd 2 is now (a redirection makes them differ).
    static func stderrIsJournal(environment: [String: String]) -> Bool {
        guard let value = environment["JOURNAL_STREAM"] else { return false }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var status = stat()
        guard fstat(STDERR_FILENO, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }

    /// Writes a line to fd 2 in one `write` call, so that lines from threads never interleave.
    public static let writeToStandardError: @Sendable (String) -> Void = { line in
        var bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                Glibc.write(STDERR_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}

extension Int64 {
    /// The quotient rounded towards minus infinity, so that a time before 1970 keeps its second.
    fileprivate func quotientRoundedDown(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor < 0) ? quotient - 1 : quotient
    }
}

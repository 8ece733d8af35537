import CLibPQ
import Foundation

/// What a server says outside the reply to a statement: a `NOTICE` or `WARNING` (of a
/// statement), or the `FATAL` it sends an idle connection just before closing it (an
/// administrator's `pg_terminate_backend`, a server shutting down).
public struct PostgresNotice: Sendable, Hashable, CustomStringConvertible {
    /// `FATAL`, `PANIC`, `ERROR`, `WARNING`, `NOTICE`, `INFO`, `LOG` or `DEBUG`.
    public var severity: String
    public var message: String
    public var sqlState: String?

    /// Whether the server ends the session with it (the connection's error then reports it).
    public var endsSession: Bool { ["FATAL", "PANIC", "ERROR"].contains(severity) }

    public var description: String {
        message + (sqlState.map { " (PostgreSQL \($0))" } ?? "")
    }
}

/// Where the notices of every connection go: libpq's default prints them on standard error,
/// which would put lines without time or level in the daemon's journal. Those that end a session
/// are kept for the connection's error (``PostgresConnection``'s lost error names them) and not
/// passed on; the others go to the handler the daemon sets (``setHandler(_:)``), none by default.
public enum PostgresNotices {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var handler: (@Sendable (PostgresNotice) -> Void)?

    /// Sets where the notices go (the daemon: its journal).
    public static func setHandler(_ newHandler: (@Sendable (PostgresNotice) -> Void)?) {
        lock.withLock { handler = newHandler }
    }

    static func pass(_ notice: PostgresNotice) {
        let current = lock.withLock { handler }
        current?(notice)
    }
}

/// What the server last said to end one connection's session, written by libpq's notice receiver
/// on the thread that reads the connection, read on the same one.
final class SessionEndBox: @unchecked Sendable {
    // @unchecked: touched only by the thread or queue using the connection.
    var notice: PostgresNotice?
}

/// libpq's notice receiver, installed on every connection (``PostgresConnection/init(_:)``);
/// `argument` is the connection's ``SessionEndBox``.
func postgresNoticeReceived(_ argument: UnsafeMutableRawPointer?, _ result: OpaquePointer?) {
    guard let argument, let result else { return }
    let severity = clibpq_result_severity(result).map { String(cString: $0) } ?? "NOTICE"
    let primary = clibpq_result_primary_message(result).map { String(cString: $0) }
    let message = primary ?? PQresultErrorMessage(result).map { String(cString: $0) } ?? ""
    let notice = PostgresNotice(
        severity: severity, message: PostgresConnection.oneLine(message),
        sqlState: clibpq_result_sqlstate(result).map { String(cString: $0) })
    if notice.endsSession {
        Unmanaged<SessionEndBox>.fromOpaque(argument).takeUnretainedValue().notice = notice
    } else {
        PostgresNotices.pass(notice)
    }
}

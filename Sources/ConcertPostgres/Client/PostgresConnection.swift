import CLibPQ
import Foundation

/// One connection to the PostgreSQL server, used by one thread or serial queue at a time.
///
/// libpq connections are not thread-safe: ``PostgresPool`` lends each of its connections to one
/// caller at a time, and ``PostgresListener`` keeps its own on its queue. Every call blocks until
/// the server answers (or the connection fails: TCP keepalives and `tcp_user_timeout` bound the
/// wait for a server that vanished, ``PostgresSettings``). After a failure of kind
/// `.connectionLost` the connection is closed and stays unusable: make a new one.
public final class PostgresConnection {
    private var handle: OpaquePointer?
    /// Names of the statements prepared on this connection, by their SQL text.
    private var prepared: [String: String] = [:]
    /// Whether a transaction is open (``transaction(_:)``).
    public private(set) var inTransaction = false
    /// What the server said as it ended the session (``PostgresNotices``), for the lost error.
    private let sessionEnd = SessionEndBox()

    /// Connects, or throws: `.loginRefused` when the server refused the login (password, role,
    /// `pg_hba.conf`, database), `.unavailable` when it has no connection to spare, else
    /// `.connectionLost` with libpq's reason (refused, timed out, TLS required or not verified).
    ///
    /// libpq gives no SQLSTATE for a failed connection but in its message, and only in verbose
    /// form: the connection is started (`PQconnectStartParams`), set to verbose errors, and
    /// polled to its end here, within `connect_timeout` for each attempt.
    public init(_ settings: PostgresSettings) throws {
        let pairs = settings.keywords
        for (keyword, value) in pairs where value.utf8.contains(0) {
            throw PostgresError(.invalidValue, "the connection setting \(keyword) contains a NUL byte")
        }
        let connection = withCStringArray(pairs.map(\.0)) { keywords in
            withCStringArray(pairs.map(\.1)) { values in
                PQconnectStartParams(keywords, values, 0)
            }
        }
        guard let connection else { throw PostgresError(.connectionLost, "libpq could not allocate a connection") }
        // Not libpq's default, which prints on standard error: the journal gets only concertd's lines.
        PQsetNoticeReceiver(
            connection, { postgresNoticeReceived($0, $1) }, Unmanaged.passUnretained(sessionEnd).toOpaque())
        PQsetErrorVerbosity(connection, PQERRORS_VERBOSE)
        let timedOut = Self.finishConnecting(connection, timeoutSeconds: max(2, settings.connectTimeoutSeconds))
        guard !timedOut, PQstatus(connection) == CONNECTION_OK else {
            let text = PQerrorMessage(connection).map { String(cString: $0) } ?? ""
            // The server asked for a password and none was given: refused before any SQLSTATE.
            let needsPassword = !timedOut && PQconnectionNeedsPassword(connection) == 1
            PQfinish(connection)
            let state = Self.startupSQLState(in: text)
            let reason = timedOut ? "timeout expired" : Self.oneLine(Self.withoutSQLState(text))
            throw PostgresError(
                state.map(PostgresError.kind(ofStartupSQLState:)) ?? (needsPassword ? .loginRefused : .connectionLost),
                "cannot connect to PostgreSQL at postgresql://\(settings.url.serverDescription): \(reason)",
                sqlState: state)
        }
        PQsetErrorVerbosity(connection, PQERRORS_DEFAULT)
        handle = connection
    }

    /// Polls a started connection until it is made or failed; true when an attempt took longer
    /// than `timeoutSeconds` (libpq's `connect_timeout`, counted again for each socket it opens).
    private static func finishConnecting(_ connection: OpaquePointer, timeoutSeconds: Int) -> Bool {
        var state = PGRES_POLLING_WRITING
        var socket = PQsocket(connection)
        var deadline = ContinuousClock.now + .seconds(timeoutSeconds)
        while PQstatus(connection) != CONNECTION_BAD {
            switch state {
            case PGRES_POLLING_OK, PGRES_POLLING_FAILED: return false
            default: break
            }
            let events = Int16(state == PGRES_POLLING_READING ? POLLIN : POLLOUT)
            var descriptor = pollfd(fd: socket, events: events, revents: 0)
            let left = deadline - ContinuousClock.now
            let milliseconds = max(
                0, Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            let ready = poll(&descriptor, 1, milliseconds)
            if ready == 0 { return true }
            if ready < 0 && errno != EINTR { return false }
            state = PQconnectPoll(connection)
            let now = PQsocket(connection)
            if now != socket {
                socket = now
                deadline = ContinuousClock.now + .seconds(timeoutSeconds)
            }
        }
        return false
    }

    /// The SQLSTATE in a verbose connection message (`FATAL:  28P01: password authentication
    /// failed…`), the last one when libpq tried more than once: the severity, two spaces, five
    /// digits or capital letters, a colon.
    static func startupSQLState(in text: String) -> String? {
        var found: String?
        for line in text.split(whereSeparator: \.isNewline) {
            var rest = Substring(line)
            while let range = rest.range(of: ":  ") {
                let after = rest[range.upperBound...]
                let code = after.prefix(5)
                if code.count == 5, after.dropFirst(5).hasPrefix(":"),
                    code.allSatisfy({ ("0"..."9").contains($0) || ("A"..."Z").contains($0) })
                {
                    found = String(code)
                }
                rest = after
            }
        }
        return found
    }

    /// A verbose connection message as the default one reads: without the SQLSTATE after the
    /// severity, and without the lines naming the server's source file (`LOCATION:`).
    static func withoutSQLState(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).compactMap { line -> String? in
            var line = String(line)
            if let state = startupSQLState(in: line), let range = line.range(of: ":  \(state): ") {
                line.replaceSubrange(range, with: ":  ")
            } else if line.hasPrefix("LOCATION:") {
                return nil
            }
            return line
        }.joined(separator: "\n")
    }

    deinit { close() }

    /// Closes the connection; further calls fail with `.connectionLost`.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        prepared = [:]
        inTransaction = false
    }

    /// Whether the connection is open and was last known healthy.
    public var isUsable: Bool {
        guard let handle else { return false }
        return PQstatus(handle) == CONNECTION_OK
    }

    func setInTransaction(_ value: Bool) { inTransaction = value }

    /// The server process serving this connection (`pg_backend_pid()`).
    public var backendPID: Int32 { handle.map(PQbackendPID) ?? 0 }

    /// The open connection, or a `.connectionLost` error.
    func liveHandle() throws -> OpaquePointer {
        guard let handle else { throw PostgresError(.connectionLost, "the connection to PostgreSQL is closed") }
        return handle
    }

    /// Runs one or more statements without parameters (the simple query protocol), returning
    /// the rows of the last one.
    @discardableResult
    public func execute(_ sql: String) throws -> PostgresRows {
        let handle = try liveHandle()
        return try check(PQexec(handle, sql), sql: sql)
    }

    /// Runs one statement with parameters (`$1`, `$2`, …), prepared on its first use on this
    /// connection and reused after.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) throws -> PostgresRows {
        let handle = try liveHandle()
        let name = try preparedName(sql, parameterCount: parameters.count, handle)
        return try withParameters(parameters) { values, lengths, formats in
            try check(
                PQexecPrepared(handle, name, Int32(parameters.count), values, lengths, formats, 0), sql: sql)
        }
    }

    private func preparedName(_ sql: String, parameterCount: Int, _ handle: OpaquePointer) throws -> String {
        if let name = prepared[sql] { return name }
        let name = "concertd_\(prepared.count + 1)"
        _ = try check(PQprepare(handle, name, sql, 0, nil), sql: sql)
        prepared[sql] = name
        return name
    }

    /// Turns a result into rows, or into the error it reports.
    func check(_ result: OpaquePointer?, sql: String) throws -> PostgresRows {
        guard let result else {
            let error = lostError()
            close()
            throw error
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN:
            return PostgresRows(result)
        default:
            let error = failure(of: result)
            PQclear(result)
            if error.kind == .connectionLost { close() }
            throw error
        }
    }

    /// The error a failed result reports, classified: a connection found bad is `.connectionLost`
    /// whatever the SQLSTATE.
    func failure(of result: OpaquePointer) -> PostgresError {
        if let handle, PQstatus(handle) != CONNECTION_OK { return lostError() }
        let state = clibpq_result_sqlstate(result).map { String(cString: $0) }
        let primary = clibpq_result_primary_message(result).map { String(cString: $0) }
        let message = primary ?? PQresultErrorMessage(result).map { String(cString: $0) } ?? "unknown error"
        let constraint = clibpq_result_constraint(result).map { String(cString: $0) }
        let kind = state.map(PostgresError.kind(ofSQLState:)) ?? .other
        return PostgresError(kind, message, sqlState: state, constraint: constraint)
    }

    /// The connection's loss, with the reason the server gave when it ended the session (its
    /// `FATAL`, with its SQLSTATE), else libpq's.
    func lostError() -> PostgresError {
        if let notice = sessionEnd.notice {
            return PostgresError(
                .connectionLost, "the connection to PostgreSQL was lost: \(notice.message)", sqlState: notice.sqlState)
        }
        let reason = handle.map(Self.connectionMessage) ?? "the connection is closed"
        return PostgresError(.connectionLost, "the connection to PostgreSQL was lost: \(reason)")
    }

    /// libpq's last connection message, on one line.
    static func connectionMessage(_ handle: OpaquePointer) -> String {
        oneLine(PQerrorMessage(handle).map { String(cString: $0) } ?? "")
    }

    /// A message of several lines on one.
    static func oneLine(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
        return line.isEmpty ? "no reason given" : line
    }
}

/// Calls `body` with the values as C strings (NULL for `nil`), valid during the call.
func withCStringArray<R>(_ strings: [String?], _ body: (UnsafePointer<UnsafePointer<CChar>?>) throws -> R) rethrows
    -> R
{
    var buffer: [CChar] = []
    var offsets: [Int?] = []
    offsets.reserveCapacity(strings.count + 1)
    for string in strings {
        guard let string else {
            offsets.append(nil)
            continue
        }
        offsets.append(buffer.count)
        buffer.append(contentsOf: string.utf8CString)
    }
    return try buffer.withUnsafeBufferPointer { base in
        // A NULL entry ends libpq's keyword arrays; parameter arrays are read by count.
        var pointers: [UnsafePointer<CChar>?] = offsets.map { offset in offset.map { base.baseAddress! + $0 } }
        pointers.append(nil)
        return try pointers.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }
}

/// Calls `body` with libpq's parameter arrays for `parameters`: values, lengths and formats
/// (bytes in binary, the rest as text).
func withParameters<R>(
    _ parameters: [PostgresValue],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<Int32>, UnsafePointer<Int32>) throws -> R
) throws -> R {
    var buffer: [CChar] = []
    var offsets: [Int?] = []
    var lengths: [Int32] = []
    var formats: [Int32] = []
    for parameter in parameters {
        switch parameter {
        case .null:
            offsets.append(nil)
            lengths.append(0)
            formats.append(0)
        case .bytes(let data):
            offsets.append(buffer.count)
            buffer.append(contentsOf: data.map { CChar(bitPattern: $0) })
            lengths.append(Int32(data.count))
            formats.append(1)
        default:
            let text = parameter.textForm ?? ""
            guard !text.utf8.contains(0) else {
                throw PostgresError(.invalidValue, "a text value contains a NUL byte, which PostgreSQL cannot store")
            }
            offsets.append(buffer.count)
            buffer.append(contentsOf: text.utf8CString)
            lengths.append(0)
            formats.append(0)
        }
    }
    buffer.append(0)  // a valid base address even when every parameter is NULL or empty
    return try buffer.withUnsafeBufferPointer { base in
        var pointers: [UnsafePointer<CChar>?] = offsets.map { offset in offset.map { base.baseAddress! + $0 } }
        pointers.append(nil)
        lengths.append(0)
        formats.append(0)
        return try pointers.withUnsafeBufferPointer { values in
            try lengths.withUnsafeBufferPointer { lengths in
                try formats.withUnsafeBufferPointer { formats in
                    try body(values.baseAddress!, lengths.baseAddress!, formats.baseAddress!)
                }
            }
        }
    }
}

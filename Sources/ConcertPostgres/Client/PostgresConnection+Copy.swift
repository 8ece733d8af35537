import CLibPQ
import Foundation

extension PostgresConnection {
    /// Runs `COPY … FROM STDIN` (`sql`) and feeds it the rows `produce` writes: the fast way to
    /// insert many rows (one statement, no round trip per row). Returns the rows copied.
    ///
    /// Rows go in PostgreSQL's text format, sent in pieces of about 256 KiB as they are written.
    /// A failure of `produce` aborts the copy, so nothing of it is inserted.
    @discardableResult
    public func copyIn(_ sql: String, _ produce: (PostgresCopyWriter) throws -> Void) throws -> Int {
        let handle = try liveHandle()
        _ = try check(PQexec(handle, sql), sql: sql)
        let writer = PostgresCopyWriter(handle)
        do {
            try produce(writer)
            try writer.flush()
        } catch {
            if isUsable {
                _ = PQputCopyEnd(handle, "aborted by concertd")
                while let result = PQgetResult(handle) { PQclear(result) }
            }
            if (error as? PostgresError)?.kind == .connectionLost { close() }
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else {
            let error = PostgresError(
                .connectionLost, "the connection to PostgreSQL was lost during COPY: \(Self.connectionMessage(handle))")
            close()
            throw error
        }
        var copied = 0
        var failure: PostgresError?
        while let result = PQgetResult(handle) {
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                copied = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
            } else if failure == nil {
                failure = self.failure(of: result)
            }
            PQclear(result)
        }
        if let failure {
            if failure.kind == .connectionLost { close() }
            throw failure
        }
        return copied
    }
}

/// Writes rows into a running `COPY … FROM STDIN` (``PostgresConnection/copyIn(_:_:)``) in COPY's
/// text format: tab between columns, `\N` for NULL, backslash escapes for backslash, tab, newline
/// and carriage return.
public final class PostgresCopyWriter {
    static let pieceSize = 256 * 1024
    private let handle: OpaquePointer
    private var bytes: [UInt8] = []
    /// Rows written.
    public private(set) var count = 0

    init(_ handle: OpaquePointer) {
        self.handle = handle
        bytes.reserveCapacity(Self.pieceSize + 4096)
    }

    /// Appends one row; text with a NUL byte is refused (PostgreSQL cannot store it).
    public func append(_ values: [PostgresValue]) throws {
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(9) }
            switch value {
            case .null: bytes.append(contentsOf: [92, 78])  // \N
            case .bytes(let data):
                bytes.append(contentsOf: Array("\\\\x".utf8))
                for byte in data {
                    bytes.append(Self.hex[Int(byte >> 4)])
                    bytes.append(Self.hex[Int(byte & 0xF)])
                }
            default:
                for byte in (value.textForm ?? "").utf8 {
                    switch byte {
                    case 0:
                        throw PostgresError(
                            .invalidValue, "a text value contains a NUL byte, which PostgreSQL cannot store")
                    case 92: bytes.append(contentsOf: [92, 92])
                    case 9: bytes.append(contentsOf: [92, 116])
                    case 10: bytes.append(contentsOf: [92, 110])
                    case 13: bytes.append(contentsOf: [92, 114])
                    default: bytes.append(byte)
                    }
                }
            }
        }
        bytes.append(10)
        count += 1
        if bytes.count >= Self.pieceSize { try flush() }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// Sends what was written so far.
    func flush() throws {
        guard !bytes.isEmpty else { return }
        let sent = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
        }
        bytes.removeAll(keepingCapacity: true)
        guard sent == 1 else {
            throw PostgresError(
                .connectionLost,
                "the connection to PostgreSQL was lost during COPY: \(PostgresConnection.connectionMessage(handle))")
        }
    }
}

import CLibPQ
import Foundation

/// The rows of one statement's result, in text format, read by position.
///
/// Owns the libpq result and frees it when released. Reading a column that is NULL as a
/// non-optional value gives 0, `false` or the empty string: the schema's NOT NULL columns are read
/// that way, the others through the `optional…` readers.
public final class PostgresRows {
    private let result: OpaquePointer
    /// The number of rows.
    public let count: Int
    /// The number of rows the statement changed (`UPDATE`, `DELETE`, `INSERT` without `RETURNING`).
    public let changes: Int

    init(_ result: OpaquePointer) {
        self.result = result
        count = Int(PQntuples(result))
        changes = PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
    }

    deinit { PQclear(result) }

    public func isNull(_ row: Int, _ column: Int) -> Bool {
        PQgetisnull(result, Int32(row), Int32(column)) == 1
    }

    public func text(_ row: Int, _ column: Int) -> String {
        String(cString: PQgetvalue(result, Int32(row), Int32(column)))
    }

    public func optionalText(_ row: Int, _ column: Int) -> String? {
        isNull(row, column) ? nil : text(row, column)
    }

    public func int64(_ row: Int, _ column: Int) -> Int64 {
        strtoll(PQgetvalue(result, Int32(row), Int32(column)), nil, 10)
    }

    public func optionalInt64(_ row: Int, _ column: Int) -> Int64? {
        isNull(row, column) ? nil : int64(row, column)
    }

    public func int(_ row: Int, _ column: Int) -> Int { Int(int64(row, column)) }

    public func bool(_ row: Int, _ column: Int) -> Bool {
        UInt8(bitPattern: PQgetvalue(result, Int32(row), Int32(column)).pointee) == UInt8(ascii: "t")
    }

    public func double(_ row: Int, _ column: Int) -> Double {
        strtod(PQgetvalue(result, Int32(row), Int32(column)), nil)
    }

    /// A `bytea` column in text format (`\x0a1b…`), decoded.
    public func bytes(_ row: Int, _ column: Int) -> Data {
        let text = text(row, column)
        guard text.hasPrefix("\\x") else { return Data(text.utf8) }
        var data = Data(capacity: (text.utf8.count - 2) / 2)
        var high: UInt8?
        for byte in text.utf8.dropFirst(2) {
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
            default: continue
            }
            if let h = high {
                data.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return data
    }

    /// Each row mapped by `body`, which reads the row at the index it is given.
    public func map<T>(_ body: (Int) throws -> T) rethrows -> [T] {
        var values: [T] = []
        values.reserveCapacity(count)
        for row in 0..<count { values.append(try body(row)) }
        return values
    }
}

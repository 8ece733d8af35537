import GRDB
import GRDBSQLite

/// A prepared statement run through SQLite's C API: each value bound directly, each row read
/// column by column (`SQLiteColumns`).
///
/// For the outbox's hot paths, run for every send: claiming a row, recording its verdict,
/// reading the due rows. Through GRDB, each run builds an array of boxed values
/// (`StatementArguments`), and each row read is first copied into a `Row` of boxed values, which
/// costs as much CPU as SQLite's own work. GRDB still prepares, caches and finalizes the statement
/// (`db.cachedStatement(sql:)`); every run leaves it reset, as GRDB expects to find it.
struct BoundStatement {
    let statement: Statement
    private var handle: OpaquePointer { statement.sqliteStatement }
    /// SQLite copies the text before the call returns (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    /// The statement for `sql` from the connection's cache, prepared on first use.
    init(_ db: Database, cached sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
    }

    func bind(_ index: Int32, _ text: String?) {
        guard var text else {
            sqlite3_bind_null(handle, index)
            return
        }
        text.withUTF8 { utf8 in
            _ = utf8.withMemoryRebound(to: CChar.self) {
                sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), Self.transient)
            }
        }
    }

    /// Binds `texts` to the parameters from `first` on (an `IN (…)` list, optional conditions);
    /// returns the index of the next parameter.
    @discardableResult
    func bind(_ texts: some Sequence<String>, from first: Int32) -> Int32 {
        var index = first
        for text in texts {
            bind(index, text)
            index += 1
        }
        return index
    }

    func bind(_ index: Int32, _ value: Int64?) {
        guard let value else {
            sqlite3_bind_null(handle, index)
            return
        }
        sqlite3_bind_int64(handle, index, value)
    }

    func bind(_ index: Int32, _ value: Int) {
        sqlite3_bind_int64(handle, index, Int64(value))
    }

    /// Runs a statement that returns no rows; returns how many rows it changed.
    @discardableResult
    func run(_ db: Database) throws -> Int {
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw failure(code, db) }
        sqlite3_reset(handle)
        return Int(sqlite3_changes(db.sqliteConnection))
    }

    /// Runs a query and decodes each row it returns.
    func rows<T>(_ db: Database, _ decode: (SQLiteColumns) throws -> T) throws -> [T] {
        var decoded: [T] = []
        let columns = SQLiteColumns(handle: handle)
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw failure(code, db) }
            do {
                decoded.append(try decode(columns))
            } catch {
                sqlite3_reset(handle)
                throw error
            }
        }
        sqlite3_reset(handle)
        return decoded
    }

    private func failure(_ code: Int32, _ db: Database) -> DatabaseError {
        let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
        sqlite3_reset(handle)
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }
}

/// The columns of the row a `BoundStatement` query stands on, read by position. Valid only
/// inside the `rows` closure that received it.
struct SQLiteColumns: PositionalRow {
    fileprivate let handle: OpaquePointer

    func isNull(_ index: Int32) -> Bool {
        sqlite3_column_type(handle, index) == SQLITE_NULL
    }

    func int64(_ index: Int32) -> Int64 {
        sqlite3_column_int64(handle, index)
    }

    func int(_ index: Int32) -> Int {
        Int(sqlite3_column_int64(handle, index))
    }

    func optionalInt64(_ index: Int32) -> Int64? {
        isNull(index) ? nil : sqlite3_column_int64(handle, index)
    }

    func bool(_ index: Int32) -> Bool {
        sqlite3_column_int64(handle, index) != 0
    }

    /// The column as text (`""` for NULL).
    func text(_ index: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    func optionalText(_ index: Int32) -> String? {
        isNull(index) ? nil : text(index)
    }
}

import ConcertCore

/// One row of a result, read by position with the decoders the SQLite store uses, so both
/// engines read a delivery or a subscription the same way.
struct PostgresRow: PositionalRow {
    let rows: PostgresRows
    let index: Int

    func isNull(_ column: Int32) -> Bool { rows.isNull(index, Int(column)) }
    func int64(_ column: Int32) -> Int64 { rows.int64(index, Int(column)) }
    func int(_ column: Int32) -> Int { rows.int(index, Int(column)) }
    func optionalInt64(_ column: Int32) -> Int64? { rows.optionalInt64(index, Int(column)) }
    func bool(_ column: Int32) -> Bool { rows.bool(index, Int(column)) }
    func text(_ column: Int32) -> String { rows.text(index, Int(column)) }
    func optionalText(_ column: Int32) -> String? { rows.optionalText(index, Int(column)) }
}

/// A type decoded from a row by column position (`PositionalRow`), by both stores: `columnNames`
/// are the columns its decoder reads, in that order, so that a query names them as `columns(of:)`
/// gives them.
package protocol PositionalColumns {
    static var columnNames: [String] { get }
}

extension PositionalColumns {
    /// `columnNames`, each qualified by `table` (a table's name or alias), for a SELECT list.
    package static func columns(of table: String) -> String {
        columnNames.map { "\(table).\($0)" }.joined(separator: ", ")
    }

    package static var columnCount: Int32 { Int32(columnNames.count) }
}

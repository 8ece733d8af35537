/// A result row read by column position, as the decoders of deliveries and subscriptions read it:
/// SQLite's hot statements through its C API (`SQLiteColumns`), its listings through GRDB
/// (`Row`), PostgreSQL's through libpq (`PostgresRow`).
package protocol PositionalRow {
    func isNull(_ index: Int32) -> Bool
    func int64(_ index: Int32) -> Int64
    func int(_ index: Int32) -> Int
    func optionalInt64(_ index: Int32) -> Int64?
    func bool(_ index: Int32) -> Bool
    /// The column as text (`""` for NULL).
    func text(_ index: Int32) -> String
    func optionalText(_ index: Int32) -> String?
}

import GRDB

/// GRDB's rows read by position, as the listings read them: they are not hot, so they bind and
/// fetch through GRDB, and decode with the same positional decoders as the outbox's statements.
extension Row: PositionalRow {
    package func isNull(_ index: Int32) -> Bool {
        hasNull(atIndex: Int(index))
    }

    package func int64(_ index: Int32) -> Int64 {
        self[Int(index)] ?? 0
    }

    package func int(_ index: Int32) -> Int {
        self[Int(index)] ?? 0
    }

    package func optionalInt64(_ index: Int32) -> Int64? {
        self[Int(index)]
    }

    package func bool(_ index: Int32) -> Bool {
        int64(index) != 0
    }

    /// The column as text (`""` for NULL).
    package func text(_ index: Int32) -> String {
        self[Int(index)] ?? ""
    }

    package func optionalText(_ index: Int32) -> String? {
        self[Int(index)]
    }
}

import ConcertCore

extension StateMoveCounts {
    /// Writes the changes into this instance's counter rows, all in one statement (what
    /// `concertd_count` does for one), so that instances never wait on one shared counter row. The
    /// rows are written in name order, so two transactions of one instance lock them in one order.
    func count(_ connection: PostgresConnection) throws {
        let changes = changes
        guard !changes.isEmpty else { return }
        try connection.query(
            """
            INSERT INTO counter (name, instance, value)
            SELECT name, COALESCE(NULLIF(current_setting('concertd.instance', true), ''), '-'), delta
            FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS c(name, delta, position) ORDER BY position
            ON CONFLICT (name, instance) DO UPDATE SET value = counter.value + EXCLUDED.value
            """, [.array(changes.map { $0.name }), .array(changes.map { Int64($0.delta) })])
    }
}

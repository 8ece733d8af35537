import ConcertCore

extension StateMoveCounts {
    /// Writes the changes into this instance's counter rows (`concertd_count`), so that instances
    /// never wait on one shared counter row.
    func count(_ connection: PostgresConnection) throws {
        for (name, delta) in changes {
            try connection.query("SELECT concertd_count($1, $2)", [.text(name), .integer(Int64(delta))])
        }
    }
}

import ConcertCore
import ConcertPostgres
import Foundation
import GRDB

extension OpenedStore {
    /// The store as the daemon holds it, whatever its engine: every interface of ``ConcertdStore``.
    var daemonStore: any ConcertdStore {
        if let sqlite { return sqlite }
        return postgres!
    }

    /// The store as concertctl's concert commands and the catalog import see it.
    var concertStore: any ConcertStore { daemonStore }

    /// The store as the web front door sees it.
    var frontDoor: any WebFrontDoorStore { daemonStore }

    /// The first column of each row of a query, as text (NULL as `-`): with the columns joined
    /// in the query (`a || '|' || b`), what both engines hold can be compared line by line.
    func lines(_ sql: String) throws -> [String] {
        if let sqlite {
            return try sqlite.writer.read { db in try String?.fetchAll(db, sql: sql).map { $0 ?? "-" } }
        }
        return try postgres!.pool.withConnection { connection in
            let rows = try connection.execute(sql)
            return rows.map { rows.optionalText($0, 0) ?? "-" }
        }
    }
}

extension OpenedStore {
    /// Makes the insert into `table` that would hold more than `rows` rows fail, as a full disk or
    /// a lost connection would stop a transaction midway: a trigger in each engine's SQL.
    func interruptInserts(into table: String, after rows: Int) throws {
        if sqlite != nil {
            try execute(
                """
                CREATE TRIGGER interrupt BEFORE INSERT ON \(table)
                WHEN (SELECT COUNT(*) FROM \(table)) >= \(rows)
                BEGIN SELECT RAISE(ABORT, 'interrupted by the test'); END
                """)
        } else {
            try execute(
                """
                CREATE FUNCTION interrupt() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF (SELECT COUNT(*) FROM \(table)) >= \(rows) THEN RAISE EXCEPTION 'interrupted by the test'; END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER interrupt BEFORE INSERT ON \(table) FOR EACH ROW EXECUTE FUNCTION interrupt();
                """)
        }
    }

    /// How many rows `table` holds.
    func count(_ table: String) throws -> Int {
        try integer("SELECT COUNT(*) FROM \(table)")
    }
}

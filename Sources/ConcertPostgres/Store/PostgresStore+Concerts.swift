import ConcertCore
import Foundation

extension PostgresStore {
    /// A `concert` row of `origin, revision, body`, decoded.
    static func storedConcert(_ rows: PostgresRows, _ row: Int) throws -> StoredConcert {
        StoredConcert(
            concert: try JSONDecoder().decode(Concert.self, from: Data(rows.text(row, 2).utf8)),
            origin: StoredConcert.Origin(rawValue: rows.text(row, 0)) ?? .catalog, revision: rows.int(row, 1))
    }

    /// The concerts of any of `cities`, earliest first.
    static func storedConcerts(_ connection: PostgresConnection, inCities cities: [String]) throws -> [StoredConcert] {
        guard !cities.isEmpty else { return [] }
        let marks = (1...cities.count).map { "$\($0)" }.joined(separator: ", ")
        let rows = try connection.query(
            """
            SELECT c.origin, c.revision, c.body, c.starts_at, c.id FROM concert c
            WHERE c.id IN (SELECT concert_id FROM concert_city WHERE city_id IN (\(marks)))
            ORDER BY c.starts_at, c.id
            """, cities.map { .text($0) })
        return try rows.map { try storedConcert(rows, $0) }
    }
}

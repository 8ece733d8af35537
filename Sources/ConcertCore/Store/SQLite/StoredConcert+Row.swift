import Foundation
import GRDB

extension StoredConcert {
    /// Decodes a `concert` row (`body`, `origin`, `revision`).
    init(row: Row) throws {
        let body: String = row["body"]
        self.init(
            concert: try JSONDecoder().decode(Concert.self, from: Data(body.utf8)),
            origin: Origin(rawValue: row["origin"]) ?? .catalog, revision: row["revision"])
    }
}

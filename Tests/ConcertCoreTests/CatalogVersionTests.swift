import ConcertCore
import Foundation
import Testing

/// A catalog's version: a hash of what it says (cities, concerts, `info_url`), so that the
/// catalog in force in the database and a file can be compared. The file's own `version` is the
/// format's (always 1) and says nothing of its content.
@Suite struct CatalogVersionTests {
    let shipped: String

    init() throws {
        shipped = try String(contentsOfFile: Fixtures.catalogPath, encoding: .utf8)
    }

    func load(_ text: String) throws -> Catalog {
        try CatalogLoader().load(data: Data(text.utf8), file: "test.json5")
    }

    @Test func theSameContentHasTheSameVersionWhateverItsCommentsAndLayout() throws {
        let catalog = try load(shipped)
        #expect(catalog.version.count == 16)
        #expect(catalog.version.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        let recommented =
            "// another comment\n"
            + shipped.replacingOccurrences(of: "\n  cities: [", with: "\n\n  cities: [ // edited\n")
        #expect(try load(recommented).version == catalog.version)
    }

    @Test func anyChangeOfWhatItSaysChangesTheVersion() throws {
        let catalog = try load(shipped)
        var rescheduled = catalog
        rescheduled.concerts[0].notes.append("moved")
        #expect(rescheduled.version != catalog.version)
        var renamed = catalog
        renamed.cities[0].aliases.append("another")
        #expect(renamed.version != catalog.version)
        var info = catalog
        info.infoURL = "https://www.example.org"
        #expect(info.version != catalog.version)
    }

    @Test func aCatalogComesBackFromItsStoredFormUnchanged() throws {
        let catalog = try load(shipped)
        let back = try Catalog(storedForm: catalog.storedForm())
        #expect(back == catalog)
        #expect(back.version == catalog.version)
        #expect(back.city(named: "Busan")?.id == "busan")
    }
}

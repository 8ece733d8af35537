import ConcertCore
import Foundation
import Testing

@Suite struct CatalogLoaderTests {
    func problems(_ text: String) -> [String] {
        do {
            _ = try CatalogLoader().load(data: Data(text.utf8), file: "test.json5")
            return []
        } catch {
            return error.problems
        }
    }

    let city = #"{ id: "busan", ko: "부산", ko_full: "부산광역시", en: "Busan" }"#

    func catalog(concerts: String) -> String {
        "{ version: 1, info_url: \"https://x\", cities: [\(city)], concerts: [\(concerts)] }"
    }

    @Test func shippedCatalogLoadsWithoutProblems() throws {
        let catalog = try CatalogLoader().load(path: Fixtures.catalogPath)
        #expect(catalog.concerts.count == 15)
        #expect(catalog.infoURL == "https://www.smartcity.go.kr")
    }

    @Test func syntaxErrorIsReportedWithTheFile() {
        let found = problems("{ version: 1, cities: [ }")
        #expect(found.count == 1)
        #expect(found.first?.contains("not valid JSON5") == true)
    }

    @Test(arguments: [
        ("{ version: 1,\n  cities: [ }\n", "line 2, column 13"),
        ("{\n  version: 1,\n  info_url: \"https://x\n}\n", "line 3"),
        ("{ version: 1, cities: [], concerts: [] }\n}\n", "line 2, column 1"),
        ("{\n\n  version: 1 2\n}", "line 3, column 14"),
    ])
    func syntaxErrorNamesLineAndColumn(_ text: String, _ place: String) throws {
        let found = problems(text)
        #expect(found.count == 1)
        let problem = try #require(found.first)
        #expect(problem.hasPrefix("not valid JSON5 at \(place)"), "\(problem)")
    }

    @Test(arguments: ["1e300", "Infinity", "-Infinity", "1.5", "NaN"])
    func aVersionThatIsNoWholeNumberIsAProblemNotACrash(_ version: String) {
        let found = problems("{ version: \(version), info_url: \"https://x\", cities: [], concerts: [] }")
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.hasPrefix("top level: field 'version' is ") == true, "\(found)")
        #expect(found.first?.hasSuffix("it must be a whole number") == true, "\(found)")
    }

    @Test func aKeyGivenTwiceIsNamedWithItsPlaceInsteadOfOneBeingIgnored() {
        let found = problems(
            catalog(
                concerts: """
                    { id: "a", cities: ["busan"], start: "2019-10-01",
                      end: "2019-10-01", start: "2019-10-02" },
                    """))
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.contains("the key 'start' appears twice") == true, "\(found)")
        #expect(found.first?.hasPrefix("at line 2, column 22: ") == true, "\(found)")
    }

    @Test func blankAndWronglyTypedTextsSayWhichOfTheTwo() {
        let found = problems(
            catalog(
                concerts: """
                    { id: "a", cities: ["busan"], start: "2019-10-01", end: "2019-10-01", title: { ko: "  ", en: 3 } },
                    """))
        #expect(found.contains("concert 'a': field 'title.ko' is empty"), "\(found)")
        #expect(found.contains("concert 'a': field 'title.en' must be a string, found a number"), "\(found)")
    }

    @Test func eachBrokenFieldIsNamedWithItsEntryAndAllAreReported() {
        let found = problems(
            catalog(
                concerts: """
                    { id: "a", cities: ["busan"], start: "2019-13-01T10:00", end: "2019-10-01T12:00" },
                    { id: "b", cities: ["nowhere"], start: "2019-10-01T10:00", end: "2019-10-01T09:00" },
                    { id: "c", cities: ["busan"], start: "2019-10-01", end: "2019-10-01T09:00", colour: "red" },
                    { id: "Bad Id", cities: ["busan"], start: "2019-10-01", end: "2019-10-01" },
                    """))
        #expect(
            found.contains(
                "concert 'a': field 'start' is '2019-13-01T10:00', which is not a real date and time"
            ))
        #expect(found.contains("concert 'b': field 'cities' names 'nowhere', which is not a city of this catalog"))
        #expect(
            found.contains("concert 'b': field 'end' is '2019-10-01T09:00', not after the start '2019-10-01T10:00'"))
        #expect(
            found.contains("concert 'c': field 'end' must be written like 'start': both with a time or both dates only")
        )
        #expect(found.contains("concert 'c': unknown field 'colour'"))
        #expect(found.contains { $0.hasPrefix("concerts[3]: field 'id' is 'Bad Id'") })
    }

    @Test func duplicateIdsAndMissingFieldsAreReported() {
        let found = problems(
            catalog(
                concerts: """
                    { id: "a", cities: ["busan"], start: "2019-10-01", end: "2019-10-01" },
                    { id: "a", cities: ["busan"], start: "2019-10-01", end: "2019-10-01" },
                    { id: "d", cities: ["busan"], start: "2019-10-01" },
                    { id: "e", cities: ["busan"], start: "2019-10-01", end: "2019-10-01", speaker: { name: { ko: "김" } } },
                    """))
        #expect(found.contains("concert 'a': the id is used twice"))
        #expect(found.contains("concert 'd': field 'end' is missing"))
        #expect(found.contains("concert 'e': field 'speaker.affiliation' is missing"))
        #expect(found.contains("concert 'e': field 'speaker.name.en' is missing"))
    }

    @Test func errorDescriptionNamesTheFileOnEveryLine() {
        do {
            _ = try CatalogLoader().load(data: Data("[]".utf8), file: "/etc/concertd/concerts.json5")
            Issue.record("a list is not a catalog")
        } catch {
            #expect(error.description.hasPrefix("/etc/concertd/concerts.json5: "))
        }
    }

    @Test func missingFileIsAClearError() {
        #expect(throws: CatalogError.self) { try CatalogLoader().load(path: "/nonexistent/concerts.json5") }
    }
}

/// Control characters in the catalog's names are refused by code point, not passed on to
/// messages, listings and terminals.
@Suite struct CatalogControlCharacterTests {
    let loader = CatalogLoaderTests()

    @Test(arguments: [
        "\\u0000", "\\u001b[2J", "\\u0007", "\\u0085", "\\u2028", "\\n", "\\u202E", "\\u202A", "\\u2066", "\\u2069",
        "\\u200F", "\\u061C",
    ])
    func aVenueWithAControlCharacterIsAProblemNamingIt(_ escape: String) {
        let found = loader.problems(
            loader.catalog(
                concerts: #"{ id: "c", cities: ["busan"], venue: { ko: "벡스코\#(escape)", en: "BEXCO" }, "#
                    + #"start: "2019-10-25T10:00+09:00", end: "2019-10-25T18:00+09:00" }"#))
        #expect(found.count == 1, "\(found)")
        // Foundation's parser refuses a NUL itself: a syntax error, a problem all the same.
        if escape != "\\u0000" {
            let named = ["control character", "line separator", "bidirectional control"].contains {
                found.first?.contains("holds the \($0) U+") == true
            }
            #expect(found.first?.contains("venue.ko") == true && named, "\(found)")
        }
    }

    @Test func aRawControlCharacterInAStringIsASyntaxErrorNamingItsPlace() {
        let text =
            #"{ version: 1, info_url: "https://x", cities: [{ id: "busan", ko: "부산"#
            + "\u{1B}]0;X\u{07}"
            + #"", ko_full: "부산광역시", en: "Busan" }], concerts: [] }"#
        let found = loader.problems(text)
        #expect(found.count == 1, "\(found)")
        #expect(
            found.first?.contains("line 1, column 69: control character U+001B in a string") == true, "\(found)")
    }

    @Test func aCityNameOrAliasWithAControlCharacterIsAProblem() {
        let text =
            #"{ version: 1, info_url: "https://x", cities: [{ id: "busan", ko: "부산\u001b]0;PWNED\u0007", "#
            + #"ko_full: "부산광역시", en: "Busan", aliases: ["x\u001b"] }], concerts: [] }"#
        let found = loader.problems(text)
        #expect(found.contains { $0.contains("'ko'") && $0.contains("U+001B") }, "\(found)")
        #expect(found.contains { $0.contains("'aliases[0]'") && $0.contains("U+001B") }, "\(found)")
    }

    @Test func aBidirectionalControlIsNamedAsOne() {
        let text =
            #"{ version: 1, info_url: "https://x", cities: [{ id: "busan", ko: "부산\u202E", "#
            + #"ko_full: "부산광역시", en: "Busan" }], concerts: [] }"#
        let found = loader.problems(text)
        #expect(found.contains { $0.contains("'ko' holds the bidirectional control U+202E") }, "\(found)")
    }
}

/// The catalog's dates keep to the years the control socket takes, 2000 to 2099 (Korea time).
@Suite struct CatalogYearTests {
    let loader = CatalogLoaderTests()

    @Test(arguments: [
        ("2100-01-01T10:00+09:00", "2100-01-01T12:00+09:00"), ("2099-12-31T23:00+09:00", "2100-01-01T01:00+09:00"),
        ("1999-12-31", "2000-01-01"), ("0001-01-01", "0001-01-01"),
        ("9999-12-31T10:00+09:00", "9999-12-31T12:00+09:00"),
    ])
    func aDateOutsideTheYearsIsAProblem(_ start: String, _ end: String) {
        let found = loader.problems(
            loader.catalog(concerts: #"{ id: "c", cities: ["busan"], start: "\#(start)", end: "\#(end)" }"#))
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.contains("2000 to 2099") == true, "\(found)")
    }

    @Test func theLastMomentOf2099IsAllowed() {
        let found = loader.problems(
            loader.catalog(
                concerts:
                    #"{ id: "c", cities: ["busan"], start: "2099-12-31T21:00+09:00", end: "2099-12-31T23:59+09:00" }"#))
        #expect(found.isEmpty, "\(found)")
    }
}

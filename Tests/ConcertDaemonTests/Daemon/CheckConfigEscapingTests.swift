import Foundation
import Testing

@testable import ConcertDaemon

/// `concertd check-config` and a failed start quote names and keys from the files they read: a
/// control character in them is shown escaped, never written raw to the terminal.
@Suite(.serialized, .timeLimit(.minutes(1))) struct CheckConfigEscapingTests {
    let check = CheckConfigTests()

    @Test func catalogTextAndKeysAreEscapedInTheReport() throws {
        let folder = TemporarySocket()
        defer { folder.remove() }
        let catalog = folder.directory + "/concerts.json5"
        // An unknown key holding ESC, and a concert naming a city with escapes in its id: both named
        // without the raw characters.
        try check.write(
            "{ version: 1, info_url: \"https://x\", \"k\\u001b[2J\": 1, cities: [], concerts: [{ id: \"c\", "
                + "cities: [\"busan\\u001b]0;PWNED\\u0007\\u001b[2J\"], start: \"2019-10-25\", end: \"2019-10-25\" }] }",
            to: catalog)
        let outcome = try check.checkConfig(["--catalog", catalog], directory: folder.directory)
        #expect(outcome.status == 78)
        let all = outcome.output + outcome.error
        #expect(!all.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(all.debugDescription)")
        #expect(outcome.error.contains("'cities[0]' holds the control character U+001B"), "\(outcome.error)")
        #expect(!outcome.error.contains("must name at least one city"), "one problem for one fault: \(outcome.error)")
        #expect(outcome.error.contains(#"unknown field 'k\u{1B}[2J'"#), "\(outcome.error)")
    }

    @Test func aSyntaxErrorQuotingAControlCharacterIsEscaped() throws {
        let folder = TemporarySocket()
        defer { folder.remove() }
        let catalog = folder.directory + "/concerts.json5"
        try check.write("{ version: 1, \u{1B}\u{07} }", to: catalog)
        let outcome = try check.checkConfig(["--catalog", catalog], directory: folder.directory)
        #expect(outcome.status == 78)
        #expect(!outcome.error.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(outcome.error)")
        #expect(outcome.error.contains(#"\u{1B}"#), "\(outcome.error)")
    }

    @Test func aConfigurationValueWithAControlCharacterIsEscaped() throws {
        let folder = TemporarySocket()
        defer { folder.remove() }
        try check.write("log_level = debug\u{1B}[2J\n", to: folder.directory + "/concertd.conf")
        let outcome = try check.checkConfig(
            [folder.directory + "/concertd.conf", "--catalog", TestDaemon.catalogPath], directory: folder.directory)
        #expect(outcome.status == 78)
        #expect(!outcome.error.unicodeScalars.contains { $0.value == 0x1B }, "\(outcome.error)")
    }

    @Test func aStartErrorQuotingTheCatalogIsEscaped() throws {
        let directory = TemporarySocket()
        defer { directory.remove() }
        let catalogPath = directory.directory + "/concerts.json5"
        try "{ version: 1, \u{1B}]0;PWNED\u{07}: 1, cities: [], concerts: [] }".write(
            toFile: catalogPath, atomically: true, encoding: .utf8)
        do {
            let daemon = try TestDaemon(catalog: catalogPath)
            daemon.remove()
            Issue.record("a catalog with an unknown key started")
        } catch let error as Daemon.StartupError {
            #expect(!error.description.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
            #expect(error.description.contains(#"found '\u{1B}'"#), "\(error.description)")
        }
    }
}

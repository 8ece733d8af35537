import Foundation
import Testing

@testable import ConcertCore

/// The shipped `etc/concertd/concertd.conf` documents every key with its default; these tests
/// keep the document and the code from drifting apart.
@Suite(.timeLimit(.minutes(1)))
struct ConfigurationShippedFileTests {
    let path = "\(repositoryRoot)/etc/concertd/concertd.conf"

    /// The option lines: `#key = value`, a `#` directly followed by a key (prose has `# `).
    func optionLines(_ text: String) -> [(key: String, line: String)] {
        text.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line in
            guard let match = line.wholeMatch(of: #/#([a-z_]+) =.*/#) else { return nil }
            return (String(match.output.1), String(line))
        }
    }

    @Test func theShippedFileLoadsAsTheBuiltInDefaults() throws {
        #expect(try ConfigurationLoader(environment: [:]).load(path: path) == DaemonConfiguration())
    }

    @Test func uncommentingEveryOptionWithItsDocumentedDefaultYieldsTheBuiltInDefaults() throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let options = optionLines(text)
        #expect(!options.isEmpty)
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            optionLines(String(line)).isEmpty ? String(line) : String(line.dropFirst())
        }
        .joined(separator: "\n")
        let loaded = try ConfigurationLoader(environment: [:]).load(contents: uncommented, file: path)
        #expect(loaded == DaemonConfiguration())
    }

    @Test func everyKeyOfTheLoaderIsDocumentedOnceInTheShippedFile() throws {
        let documented = optionLines(try String(contentsOfFile: path, encoding: .utf8)).map(\.key)
        #expect(documented == DaemonConfiguration.keyNames)  // each once, in the order of the code
    }

    /// The comment lines directly above each option line (up to the blank line before them).
    func commentBlocks(_ text: String) -> [String: [String]] {
        var blocks: [String: [String]] = [:]
        var comments: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let option = optionLines(line).first {
                blocks[option.key] = comments
                comments = []
            } else if line.hasPrefix("#") {
                comments.append(line)
            } else {
                comments = []
            }
        }
        return blocks
    }

    @Test func eachBoundedKeyStatesTheCodesRangeAndNoOtherKeyStatesOne() throws {
        let blocks = commentBlocks(try String(contentsOfFile: path, encoding: .utf8))
        for key in DaemonConfiguration.keys {
            let stated = blocks[key.name, default: []].filter { $0.contains("Range:") }
            let expected = key.range.map { ["# Range: \($0)."] } ?? []
            #expect(stated == expected, "\(key.name): write \(expected.first ?? "no Range: line") above #\(key.name)")
        }
    }

    @Test func eachKeyStatesItsFlagAndWhetherItIsReadAtStartOnlyAsTheKeyTableSays() throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let blocks = commentBlocks(text)
        for key in DaemonConfiguration.keys {
            let block = blocks[key.name, default: []].joined(separator: " ")
            let flags = block.matches(of: #/Flag: (--[a-z-]+)\./#).map { String($0.output.1) }
            #expect(flags == (key.flag.map { [$0] } ?? []), "\(key.name): the flag line says \(flags)")
            #expect(
                block.contains("Read at start only.") == key.requiresRestart,
                "\(key.name): \(key.requiresRestart ? "say" : "do not say") \"Read at start only.\"")
        }
        // The header lists every flag that overrides a key.
        let header = text.components(separatedBy: "\n\n\n").first ?? ""
        for flag in DaemonConfiguration.keys.compactMap(\.flag) {
            #expect(header.contains(flag), "the header's list of flags lacks \(flag)")
        }
    }

    @Test func theDocumentedDefaultOfEachKeyIsTheOneTheCodeWrites() throws {
        let defaults = DaemonConfiguration()
        for (key, line) in optionLines(try String(contentsOfFile: path, encoding: .utf8)) {
            let spec = try #require(DaemonConfiguration.keysByName[key])
            let rendered = spec.render(defaults)
            #expect(line == (rendered.isEmpty ? "#\(key) =" : "#\(key) = \(rendered)"))
        }
    }
}

import Foundation
import Testing

@testable import ConcertCore

/// The README and `docs/` state a key's default one way only, ``default `key = value` ``, and
/// each such statement is the code's default: a default changed in the code without its docs, or
/// stated in another form that no test reads, fails here.
@Suite(.timeLimit(.minutes(1)))
struct ConfigurationDocumentedDefaultsTests {
    /// The Markdown an operator reads, by path from the repository's root.
    static func documents() throws -> [(path: String, text: String)] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: "\(repositoryRoot)/docs")
            .filter { $0.hasSuffix(".md") }.sorted().map { "docs/\($0)" }
        return try (["README.md"] + docs).map { path in
            (path, try String(contentsOfFile: "\(repositoryRoot)/\(path)", encoding: .utf8))
        }
    }

    /// Every ``default `key = value` `` of `text` whose key is a configuration key; one "default"
    /// may lead a list: ``by default `a = 1`, `b = 2` and `c = 3` ``.
    static func statedDefaults(_ text: String) -> [(key: String, value: String)] {
        text.matches(of: #/default((?:,?\s+(?:and\s+)?`[a-z_]+ =[^`]*`)+)/#).flatMap { list in
            list.output.1.matches(of: #/`([a-z_]+) =( [^`]*)?`/#).compactMap { match in
                let key = String(match.output.1)
                guard DaemonConfiguration.keysByName[key] != nil else { return nil }
                return (key, String(match.output.2 ?? "").trimmingCharacters(in: .whitespaces))
            }
        }
    }

    @Test func everyStatedDefaultIsTheCodesDefault() throws {
        let defaults = DaemonConfiguration()
        var stated = 0
        for (path, text) in try Self.documents() {
            for (key, value) in Self.statedDefaults(text) {
                let rendered = try #require(DaemonConfiguration.keysByName[key]).render(defaults)
                #expect(value == rendered, "\(path): default `\(key) = \(value)`, but the code's is `\(rendered)`")
                stated += 1
            }
        }
        #expect(stated >= 5, "the README states the defaults of retries and sends in flight")
    }

    @Test func noDocumentStatesADefaultInAnotherForm() throws {
        // `key` followed in the same sentence by "default" and no `key = value`: a default nobody checks.
        for (path, text) in try Self.documents() {
            for match in text.matches(of: #/`([a-z_]+)`[^.`\n]{0,40}\bdefault\b[^`.\n]{0,3}[0-9]/#) {
                let key = String(match.output.1)
                guard DaemonConfiguration.keysByName[key] != nil else { continue }
                Issue.record("\(path): \"\(match.output.0)\": write the default as default `\(key) = …`")
            }
        }
    }

    @Test func theCheckFindsAWrongDefault() {
        #expect(Self.statedDefaults("at most by default `retry_max_attempts = 12` attempts").map(\.value) == ["12"])
        #expect(Self.statedDefaults("by default `not_a_key = 1`").isEmpty)
        #expect(Self.statedDefaults("default `smtp_url =` (email off)").map(\.value) == [""])
        #expect(
            Self.statedDefaults("by default `retry_initial = 30s`,\n  `retry_max = 1h` and `retry_max_attempts = 10`.")
                .map(\.key) == ["retry_initial", "retry_max", "retry_max_attempts"])
    }
}

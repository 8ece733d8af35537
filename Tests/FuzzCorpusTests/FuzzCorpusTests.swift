import ConcertProtocol
import Foundation
import Testing

@testable import FuzzTargets

/// Every saved fuzz input, replayed through the same code the fuzzers run: inputs that found a
/// crash stay tests, and the seeds keep the targets exercised in CI without a fuzzing build.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus")

    static func inputs(_ target: String) -> [String] {
        let folder = corpus.appendingPathComponent(target).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map {
            folder + "/" + $0
        }
    }

    @Test func theCorpusIsThere() {
        #expect(Self.inputs("control").count >= 5)
        #expect(Self.inputs("loaders").count >= 5)
    }

    @Test(arguments: inputs("control"))
    func controlInputIsHandled(_ path: String) throws {
        FuzzTargets.control(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// The control target reaches the daemon's handlers, typed params included: a request with
    /// a line number that overflows is answered `invalid_params`, a good one with a result.
    @Test func theControlTargetCarriesRequestsOutThroughTheDaemonsHandler() {
        let input = """
            {"jsonrpc":"2.0","id":1,"method":"subscribe.bulk.stage","params":{"first_line":-1,"lines":["{}"]}}
            {"jsonrpc":"2.0","id":2,"method":"status"}
            {"jsonrpc":"2.0","id":3,"method":"upcoming","params":{"limit":1.5}}

            """
        let replies = FuzzTargets.controlReplies(Array(input.utf8))
        #expect(replies.map(\.error?.code) == [.invalidParams, nil, .invalidParams])
        #expect(replies.map(\.error?.field) == ["first_line", nil, "limit"])
    }

    @Test(arguments: inputs("loaders"))
    func loaderInputIsHandled(_ path: String) throws {
        FuzzTargets.loaders(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }
}

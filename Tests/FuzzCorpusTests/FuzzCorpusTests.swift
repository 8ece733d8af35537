import Foundation
import FuzzTargets
import Testing

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

    @Test(arguments: inputs("loaders"))
    func loaderInputIsHandled(_ path: String) throws {
        FuzzTargets.loaders(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }
}

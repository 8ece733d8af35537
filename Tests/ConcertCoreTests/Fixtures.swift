import ConcertCore
import Foundation

/// Paths and objects shared by the tests: the real shipped catalog and the seed it was built from.
enum Fixtures {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let catalogPath = repositoryRoot.appendingPathComponent("etc/concertd/concerts.json5").path

    static let seedText: String = {
        let url = repositoryRoot.appendingPathComponent(
            "Tests/Fixtures/press-release-2019-10-25-smartcity-talk-concerts.txt")
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }()

    static let catalog: Catalog = {
        do {
            return try CatalogLoader().load(path: catalogPath)
        } catch {
            fatalError("the shipped catalog does not load: \(error)")
        }
    }()

    /// `2019-10-29T14:00` in Korea.
    static func korea(_ text: String) -> Date {
        guard case .instant(let date)? = KoreaTime.parseMoment(text) else { fatalError("bad moment \(text)") }
        return date
    }

    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "concertd-test-" + UUID().uuidString.prefix(8)
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

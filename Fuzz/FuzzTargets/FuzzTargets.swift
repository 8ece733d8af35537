import ConcertCore
import ConcertProtocol
import Foundation

/// What each fuzz target does with one input. Shared by the libFuzzer executables (`make fuzz`)
/// and by the test that replays the saved corpus (`Tests/FuzzCorpusTests`), so every input that
/// ever crashed stays a test.
public enum FuzzTargets {
    /// The control socket's input path: framing in chunks, decoding each line, and decoding the
    /// parameters of every method from it.
    public static func control(_ bytes: [UInt8]) {
        var framer = ControlLineFramer()
        let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
        var frames = framer.append(bytes[..<cut])
        frames += framer.append(bytes[cut...])
        frames += framer.finish()
        _ = frames
        for line in bytes.split(separator: 10, omittingEmptySubsequences: false) {
            guard case .request(let request) = ControlMessageDecoder.decode(line: line) else { continue }
            _ = try? request.decodeParams(for: ControlMethods.subscribe)
            _ = try? request.decodeParams(for: ControlMethods.subscribeBulk)
            _ = try? request.decodeParams(for: ControlMethods.subscribeBulkStage)
            _ = try? request.decodeParams(for: ControlMethods.concertAdd)
            _ = try? request.decodeParams(for: ControlMethods.concertReschedule)
            _ = try? request.decodeParams(for: ControlMethods.deliveries)
            _ = try? request.decodeParams(for: ControlMethods.preview)
            _ = try? request.decodeParams(for: ControlMethods.retry)
        }
    }

    /// The loaders that read files an administrator edits: the configuration and the catalog.
    public static func loaders(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? ConfigurationLoader(environment: [:]).load(contents: text, file: "fuzz.conf")
        _ = try? CatalogLoader().load(data: Data(bytes), file: "fuzz.json5")
        _ = ReminderOffset(text)
        _ = try? ReminderOffset.parseList(text)
        _ = KoreaTime.parseMoment(text)
        _ = WebhookURL.problem(with: text)
        _ = WebhookURL.masked(text)
        _ = EmailAddress.problem(with: text)
    }
}

import ConcertCore
import ConcertProtocol
import Foundation

/// What each fuzz target does with one input. Shared by the libFuzzer executables (`make fuzz`)
/// and by the test that replays the saved corpus (`Tests/FuzzCorpusTests`), so every input that
/// ever crashed stays a test.
public enum FuzzTargets {
    /// The control socket's input path: framing in chunks, decoding each line, decoding (and
    /// range-checking) the parameters of every method from it, and each request carried out by
    /// the daemon's own handler (``FuzzDaemon``), as the socket would hand it over.
    public static func control(_ bytes: [UInt8]) {
        _ = controlReplies(bytes)
    }

    /// ``control``, returning the handler's reply to each request line.
    static func controlReplies(_ bytes: [UInt8]) -> [ControlReply] {
        var framer = ControlLineFramer()
        let cut = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
        var frames = framer.append(bytes[..<cut])
        frames += framer.append(bytes[cut...])
        frames += framer.finish()
        _ = frames
        var replies: [ControlReply] = []
        for line in bytes.split(separator: 10, omittingEmptySubsequences: false) {
            guard case .request(let request) = ControlMessageDecoder.decode(line: line) else { continue }
            for decode in everyMethodsParams { decode(request) }
            replies.append(FuzzDaemon.shared.handle(request))
        }
        return replies
    }

    /// Decodes a request's params as each method's, one closure per method of ``ControlMethods``.
    static let everyMethodsParams: [@Sendable (ControlRequest) -> Void] = [
        decoder(ControlMethods.status), decoder(ControlMethods.cities), decoder(ControlMethods.concerts),
        decoder(ControlMethods.concertAdd), decoder(ControlMethods.concertReschedule),
        decoder(ControlMethods.concertCancel), decoder(ControlMethods.subscribe), decoder(ControlMethods.subscribeBulk),
        decoder(ControlMethods.subscribeBulkStage), decoder(ControlMethods.subscribeBulkCommit),
        decoder(ControlMethods.subscriptions), decoder(ControlMethods.unsubscribe), decoder(ControlMethods.pause),
        decoder(ControlMethods.resume), decoder(ControlMethods.upcoming), decoder(ControlMethods.deliveries),
        decoder(ControlMethods.retry), decoder(ControlMethods.test), decoder(ControlMethods.preview),
        decoder(ControlMethods.reload),
    ]

    private static func decoder<P, R>(_ method: ControlMethod<P, R>) -> @Sendable (ControlRequest) -> Void {
        { request in _ = try? request.decodeParams(for: method) }
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

import Foundation
import Testing

@testable import ConcertCore

/// A receiver that quotes the request path back encoded (base64, URL-safe base64, hex in either
/// case, base64 wrapped on several lines), cut short (`…XyZsecretTOKENvalu...`), spaced out or
/// split by a line break: the verdict's text, which reaches `last_error`, the `test` reply and
/// the journal, shows none of the URL's tokens, nor the first 8 characters of a token of 12 or more.
/// Seen failing before the redactor knew these forms: every shape leaked in every form.
@Suite(.timeLimit(.minutes(2))) struct WebhookSecretEncodedEchoTests {
    static let forms = ["b64", "b64url", "hex", "HEX", "wrapped", "trunc", "spaced", "split"]

    @Test func aReceiverEchoingThePathEncodedCutShortOrSpacedRevealsNoToken() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }
        let channel = WebhookSecretEchoTests.channel(transport)
        let shapes =
            SecretRedactorTests.shapes + [
                WebhookShape(
                    kind: "review", format: "slack",
                    url: "http://127.0.0.1/m/T01ABCDEF/B02GHIJKL/XyZsecretTOKENvalue42",
                    secrets: ["T01ABCDEF", "B02GHIJKL", "XyZsecretTOKENvalue42"], shown: "http://127.0.0.1")
            ]
        for shape in shapes {
            let tail = WebhookSecretEchoTests.pathAndQuery(of: shape.url)
            for form in Self.forms {
                let url = receiver.url("/echo/400/\(form)\(tail)")
                let outcome = await WebhookSecretEchoTests.send(channel, url: url, format: shape.format)
                #expect(outcome.detail.hasPrefix("HTTP 400"), "\(shape.kind) \(form): \(outcome.detail)")
                for secret in shape.secrets where Self.reveals(outcome.detail, secret) {
                    Issue.record("\(shape.kind) \(form): '\(outcome.detail)' shows \(secret)")
                }
            }
        }
    }

    /// Text that a form above must not keep, to check the receiver does echo the path in it.
    @Test func theCheckSeesEachFormOfAnUnmaskedToken() {
        let token = "XyZsecretTOKENvalue42"
        let text = "Cannot POST /m/T01/\(token)"
        let hex: String = Data(text.utf8).map { String(format: "%02X", $0) }.joined()
        let spaced: String = text.map { String($0) }.joined(separator: " ")
        let split: String = String(text.prefix(25)) + "\n" + String(text.dropFirst(25))
        let echoes: [String] = [
            Data(text.utf8).base64EncodedString(), Data(("xy" + text).utf8).base64EncodedString(), hex,
            String(text.dropLast(3)) + "...", spaced, split,
        ]
        for echo in echoes { #expect(Self.reveals(echo, token), "\(echo)") }
        #expect(!Self.reveals("Cannot POST /m/T01/\(Secret.placeholder)", token))
    }

    /// Whether `text`, read plainly, without its spaces and line breaks, or with its base64 and
    /// hex runs decoded at every alignment, contains `secret` or, for a secret of 12 characters
    /// or more, its first 8.
    static func reveals(_ text: String, _ secret: String) -> Bool {
        // A secret listed with the fixed words around it (`IncomingWebhook/…`) is checked whole.
        let needle = (secret.count >= 12 && !secret.contains("/") ? String(secret.prefix(8)) : secret).lowercased()
        var readings = [text, text.filter { !$0.isWhitespace }]
        for reading in readings {
            for run in reading.matches(of: #/[A-Za-z0-9+\/_=-]{8,}/#).map({ String($0.output) }) {
                let standard = String(
                    run.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 }.filter { $0 != "=" })
                for drop in 0..<4 {
                    let part = standard.dropFirst(drop)
                    if let data = Data(base64Encoded: String(part.prefix(part.count / 4 * 4))) {
                        readings.append(String(decoding: data, as: UTF8.self))
                    }
                }
            }
            for run in reading.matches(of: #/[0-9A-Fa-f]{8,}/#).map({ Array(String($0.output).utf8) }) {
                for drop in 0..<2 {
                    let digits = Array(run.dropFirst(drop))
                    let bytes = stride(from: 0, to: digits.count - 1, by: 2).compactMap {
                        UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)
                    }
                    readings.append(String(decoding: bytes, as: UTF8.self))
                }
            }
        }
        return readings.contains { $0.lowercased().contains(needle) }
    }
}

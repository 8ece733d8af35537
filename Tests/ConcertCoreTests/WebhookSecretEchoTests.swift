import Foundation
import Testing

@testable import ConcertCore

/// A receiver's text reaches a verdict, and from there `last_error`, the `test` reply and the
/// journal. For every webhook format's secret shapes, a real receiver on 127.0.0.1 echoes the
/// request path, the whole URL and the signing secret in every form a careless server may use
/// (plain, JSON-escaped, percent-encoded in either case or twice, decoded, HTML entities, form
/// encoding, lower-cased), in its body and headers, with statuses of every verdict; libcurl's own messages are
/// tried too. The verdict's text shows none of the subscription's secrets, in any form.
@Suite(.timeLimit(.minutes(2))) struct WebhookSecretEchoTests {
    static let signing = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let forms = [
        "plain", "url", "json", "unicode", "percent", "lower", "double", "decoded", "html", "decimal", "form",
        "casefold",
    ]
    /// Each form answered 404, and the other verdicts' statuses with a few forms.
    static let answers: [(status: Int, form: String)] =
        forms.map { (404, $0) } + [(500, "plain"), (410, "json"), (302, "url"), (400, "percent"), (429, "html")]

    /// One receiver for every shape: starting a Python peer costs seconds on a busy machine.
    @Test func aReceiverEchoingTheURLOrSigningSecretInAnyFormRevealsNeither() async throws {
        let receiver = try await HTTPReceiver(echo: Self.signing)
        defer { receiver.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }
        let channel = Self.channel(transport)

        var sent = 0
        for shape in SecretRedactorTests.shapes {
            let tail = Self.pathAndQuery(of: shape.url)
            let formats = Set([shape.format, "generic"])
            let outcomes = await withTaskGroup(of: (String, String, Verdict).self) { group in
                for format in formats {
                    for answer in Self.answers {
                        let url = receiver.url("/echo/\(answer.status)/\(answer.form)\(tail)")
                        group.addTask {
                            let outcome = await Self.send(channel, url: url, format: format)
                            return ("\(format) \(answer.status) \(answer.form)", url, outcome)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            sent += outcomes.count
            #expect(outcomes.count == Self.answers.count * formats.count)
            for (name, url, outcome) in outcomes {
                let status = name.split(separator: " ")[1]
                #expect(outcome.detail.hasPrefix("HTTP \(status)"), "\(shape.kind) \(name): \(outcome.detail)")
                Self.expectNoSecret(in: outcome.detail, of: shape, url: url, signed: name.hasPrefix("generic"), name)
            }
        }
        // Every request reached the receiver, which answered with its echo.
        #expect(try receiver.requests().count == sent)
    }

    @Test(arguments: SecretRedactorTests.shapes)
    func libcurlsMessagesAboutTheURLRevealNoSecret(shape: WebhookShape) async throws {
        let closed = try ClosedPort()
        defer { closed.release() }
        let transport = try CurlTransport()
        defer { transport.stop() }
        let channel = Self.channel(transport)
        let url = "http://127.0.0.1:\(closed.port)\(Self.pathAndQuery(of: shape.url))"

        let refused = await Self.send(channel, url: url, format: shape.format)
        guard case .retryable(let error, _) = refused else {
            Issue.record("expected retryable, got \(refused)")
            return
        }
        #expect(error.contains("127.0.0.1"))
        Self.expectNoSecret(in: error, of: shape, url: url, signed: false, "refused")
        // A URL libcurl itself refuses (a port out of range) is reported without its path either.
        let malformed = "http://127.0.0.1:99999\(Self.pathAndQuery(of: shape.url))"
        let rejected = await Self.send(channel, url: malformed, format: shape.format)
        Self.expectNoSecret(in: rejected.detail, of: shape, url: malformed, signed: false, "malformed")
    }

    @Test func theDaemonsOwnSecretsAreHiddenFromWebhookVerdictsToo() async throws {
        let password = "hunter2-smtp-Pa55"
        let receiver = try await HTTPReceiver(echo: password)
        defer { receiver.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }
        let channel = WebhookChannel(
            settings: WebhookSettings(redactor: SecretRedactor(knownSecrets: [password])), renderer: MessageRenderer(),
            transport: transport)
        for form in ["plain", "json", "percent", "html"] {
            let outcome = await Self.send(channel, url: receiver.url("/echo/500/\(form)/hook"), format: "slack")
            #expect(outcome.detail.hasPrefix("HTTP 500: ") && outcome.detail.contains("Cannot"))
            #expect(!Self.decodings(of: outcome.detail).contains { $0.contains("hunter2") }, "\(outcome.detail)")
        }
    }

    /// The channel as the daemon builds it: the subscription's format builds the request.
    static func channel(_ transport: CurlTransport) -> WebhookChannel {
        WebhookChannel(settings: WebhookSettings(), renderer: MessageRenderer(), transport: transport)
    }

    static func send(_ channel: WebhookChannel, url: String, format: String) async -> Verdict {
        var message = OutboundMessage.sample(url: url)
        message.subscription.channel = .webhook(
            url: url, format: format, secret: format == "generic" ? signing : nil)
        return await withCheckedContinuation { continuation in
            channel.send(message) { continuation.resume(returning: $0) }
        }
    }

    /// `/path?query` of a URL, as sent.
    static func pathAndQuery(of url: String) -> String {
        let components = URLComponents(string: url)!
        return components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }

    /// Records an issue for each secret of the subscription that `text`, decoded in any way, shows.
    static func expectNoSecret(
        in text: String, of shape: WebhookShape, url: String, signed: Bool, _ name: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        var secrets = shape.secrets.filter { !$0.hasSuffix("=") }
        if signed { secrets += [signing, String(signing.dropFirst("whsec_".count))] }
        let decodings = Self.decodings(of: text)
        for secret in secrets where decodings.contains(where: { $0.lowercased().contains(secret.lowercased()) }) {
            Issue.record("\(shape.kind) \(name): '\(text)' shows \(secret)", sourceLocation: sourceLocation)
        }
    }

    /// `text`, and `text` decoded once and twice from every encoding at once: `%XX`, `+`, `\/`,
    /// `\uXXXX`, `&#N;`, `&#xH;` and `&amp;`-style entities.
    static func decodings(of text: String) -> [String] {
        let once = decodeEverything(text)
        return [text, once, decodeEverything(once)]
    }

    static func decodeEverything(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        func hex(_ slice: ArraySlice<UInt8>) -> Int? { Int(String(decoding: slice, as: UTF8.self), radix: 16) }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count, let value = hex(bytes[index + 1...index + 2]) {
                output.append(UInt8(value))
                index += 3
            } else if byte == UInt8(ascii: "+") {
                output.append(UInt8(ascii: " "))
                index += 1
            } else if byte == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "/") {
                output.append(UInt8(ascii: "/"))
                index += 2
            } else if byte == UInt8(ascii: "\\"), index + 5 < bytes.count, bytes[index + 1] == UInt8(ascii: "u"),
                let value = hex(bytes[index + 2...index + 5]), value < 0x80
            {
                output.append(UInt8(value))
                index += 6
            } else if byte == UInt8(ascii: "&"),
                let semicolon = bytes[index..<min(bytes.count, index + 10)].firstIndex(of: UInt8(ascii: ";"))
            {
                let name = String(decoding: bytes[index + 1..<semicolon], as: UTF8.self)
                let named = ["amp": 0x26, "quot": 0x22, "lt": 0x3C, "gt": 0x3E, "apos": 0x27][name]
                let value =
                    named
                    ?? (name.hasPrefix("#x") ? Int(name.dropFirst(2), radix: 16) : Int(name.dropFirst(), radix: 10))
                if let value, value < 0x80 {
                    output.append(UInt8(value))
                    index = semicolon + 1
                } else {
                    output.append(byte)
                    index += 1
                }
            } else {
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}

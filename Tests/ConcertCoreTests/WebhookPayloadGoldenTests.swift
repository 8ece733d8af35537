import Foundation
import Testing

@testable import ConcertCore

/// Every format's request for every message kind in both languages, compared byte for byte with
/// `Golden/webhooks/<format>/<kind>.<language>.http` (method and URL, headers, blank line, body).
@Suite struct WebhookPayloadGoldenTests {
    @Test(arguments: WebhookFormatRegistry.names, Delivery.Kind.allCases)
    func requestMatchesGolden(format: String, kind: Delivery.Kind) throws {
        for language in Language.allCases {
            let message = MessageFixtures.message(kind: kind, language: language)
            let request = try MessageFixtures.request(format: format, message: message)
            try Golden.check(
                Self.serialize(request), path: "webhooks/\(format)/\(kind.rawValue).\(language.rawValue).http")
        }
    }

    @Test(arguments: Delivery.Kind.allCases)
    func htmlMessageMatchesGolden(kind: Delivery.Kind) throws {
        for language in Language.allCases {
            let rendered = MessageRenderer().render(MessageFixtures.message(kind: kind, language: language))
            try Golden.check(
                Data((rendered.html + "\n").utf8), path: "messages/\(kind.rawValue).\(language.rawValue).html")
        }
    }

    @Test(arguments: WebhookFormatRegistry.names)
    func everyBodyIsValidJSON(format: String) throws {
        for kind in Delivery.Kind.allCases {
            for language in Language.allCases {
                let request = try MessageFixtures.request(
                    format: format, message: MessageFixtures.message(kind: kind, language: language))
                #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: request.body) }
                #expect(request.header("Content-Type") == "application/json; charset=utf-8")
                #expect(request.method == "POST")
            }
        }
    }

    /// `POST <url>`, one `Name: value` line per header, a blank line, the body and a final newline.
    static func serialize(_ request: HTTPRequest) -> Data {
        var head = "\(request.method) \(request.url)\n"
        for header in request.headers { head += "\(header.name): \(header.value)\n" }
        var data = Data((head + "\n").utf8)
        data.append(request.body)
        data.append(Data("\n".utf8))
        return data
    }
}

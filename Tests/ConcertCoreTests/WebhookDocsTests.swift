import Foundation
import Testing

@testable import ConcertCore

/// `docs/webhooks.md` shows what the code sends: its example body is the generic format's body for
/// the same message, and every idempotency key it names is the one the code makes for that identity.
@Suite struct WebhookDocsTests {
    static let document: String = {
        let path = "\(repositoryRoot)/docs/webhooks.md"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            fatalError("cannot read \(path)")
        }
        return text
    }()

    /// The identity of the documented example: Daegu's 1-day reminder, delivery 42.
    static let documentedKey = Delivery.idempotencyKey(
        id: 42, subscriptionID: "sub-k3m9q2xw7d", concertID: "daegu-2019", revision: 1, kind: .reminder,
        offset: ReminderOffset(seconds: 86_400))

    @Test func theDocumentedBodyIsWhatTheGenericFormatSendsForThatReminder() throws {
        let block = try #require(Self.codeBlock(after: "Body (a reminder", language: "json"))
        let message = MessageFixtures.message(kind: .reminder, language: .ko)
        #expect(message.delivery.id == 42)
        #expect(message.delivery.idempotencyKey == Self.documentedKey)
        let request = try MessageFixtures.request(format: "generic", message: message)

        // Compact, keys in the same order: the document claims both.
        #expect(Self.compact(block) == String(decoding: request.body, as: UTF8.self))
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(block.utf8)) as? [String: Any])
        #expect(fields["idempotency_key"] as? String == Self.documentedKey)
    }

    @Test func everyIdempotencyKeyTheDocumentNamesIsTheCodes() throws {
        let named = Self.document.matches(of: #/(?:test_)?sub-k3m9q2xw7d[A-Za-z0-9._-]*/#).map { String($0.output) }
        let testKey = Delivery.idempotencyKey(
            id: 57, subscriptionID: "sub-k3m9q2xw7d", concertID: "busan-2019", revision: 1, kind: .test,
            offset: ReminderOffset(seconds: 0))
        #expect(named.contains(Self.documentedKey))
        #expect(named.contains(testKey))
        for key in named {
            #expect(key == Self.documentedKey || key == testKey, "docs/webhooks.md names \(key)")
        }
    }

    /// The first fenced block of `language` after the line containing `marker`.
    static func codeBlock(after marker: String, language: String) -> String? {
        guard let start = document.range(of: marker),
            let open = document.range(of: "```\(language)\n", range: start.upperBound..<document.endIndex),
            let close = document.range(of: "\n```", range: open.upperBound..<document.endIndex)
        else { return nil }
        return String(document[open.upperBound..<close.lowerBound])
    }

    /// `json` without the whitespace outside its strings.
    static func compact(_ json: String) -> String {
        var result = ""
        var inString = false
        var escaped = false
        for character in json {
            if inString {
                result.append(character)
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    inString = false
                }
            } else if character == "\"" {
                inString = true
                result.append(character)
            } else if !character.isWhitespace {
                result.append(character)
            }
        }
        return result
    }
}

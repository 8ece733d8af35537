import Foundation
import Testing

@testable import ConcertCore

@Suite struct WebhookJSONTests {
    @Test func objectsKeepTheirKeyOrderAndAreCompact() {
        let json = WebhookJSON.object([("b", .int(1)), ("a", .array([.bool(true), .null])), ("c", .optional(nil))])
        #expect(json.serialized == #"{"b":1,"a":[true,null],"c":null}"#)
    }

    @Test func stringsEscapeWhatJSONRequiresAndKeepUnicodeAndSlashes() throws {
        let text = "따옴표 \" 역슬래시 \\ 줄\n탭\t제어\u{01} https://x.org/a 줄구분\u{2028}"
        let serialized = WebhookJSON.string(text).serialized
        #expect(serialized == #""따옴표 \" 역슬래시 \\ 줄\n탭\t제어\u0001 https://x.org/a 줄구분\u2028""#)
        let decoded = try JSONSerialization.jsonObject(with: Data(serialized.utf8), options: .fragmentsAllowed)
        #expect(decoded as? String == text)
    }
}

@Suite struct WebhookJSONByteEscapingTests {
    @Test(arguments: [
        ("", #""""#),
        ("\u{01}시작", #""\u0001시작""#),
        ("끝\u{2029}", #""끝\u2029""#),
        ("\"\"\\\n", #""\"\"\\\n""#),
        // U+2026 (E2 80 A6) and U+20AC (E2 82 AC) share the lead byte of U+2028 and stay as they are.
        ("…€\u{2028}…", "\"…€\\u2028…\""),
        ("\u{7F}\u{1F}", "\"\u{7F}\\u001f\""),
    ])
    func escapesWorkOnTheUTF8Bytes(text: String, expected: String) throws {
        let serialized = WebhookJSON.string(text).serialized
        #expect(serialized == expected)
        let decoded = try JSONSerialization.jsonObject(with: Data(serialized.utf8), options: .fragmentsAllowed)
        #expect(decoded as? String == text)
    }
}

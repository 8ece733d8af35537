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

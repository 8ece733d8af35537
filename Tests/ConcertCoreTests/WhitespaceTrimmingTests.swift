import Foundation
import Testing

@testable import ConcertCore

@Suite struct WhitespaceTrimmingTests {
    @Test(arguments: ["", " ", "7d", " 7d ", "\t1h\u{3000}", "\u{00A0}a b\u{2003}", "x\n", "\n x", "한 국 "])
    func trimsAsFoundationDoes(_ text: String) {
        #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
        #expect(text[...].trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
    }
}

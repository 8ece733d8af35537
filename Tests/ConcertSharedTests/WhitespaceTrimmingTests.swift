import ConcertShared
import Foundation
import Testing

@Suite struct WhitespaceTrimmingTests {
    @Test(arguments: ["", " ", "7d", " 7d ", "\t1h\u{3000}", "\u{00A0}a b\u{2003}", "x\n", "\n x", "한 국 "])
    func trimsAsFoundationDoes(_ text: String) {
        #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
        #expect(text[...].trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
    }
}

/// `isWhitespaceMember` lists the scalars of `CharacterSet.whitespaces` instead of asking the set,
/// which built itself anew on every call.
@Suite struct WhitespaceMemberTests {
    @Test func everyScalarIsWhitespaceExactlyWhenFoundationsSetHoldsIt() {
        let whitespaces = CharacterSet.whitespaces
        var differing: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if scalar.isWhitespaceMember != whitespaces.contains(scalar) { differing.append(value) }
        }
        #expect(differing.isEmpty, "\(differing.prefix(10).map { String($0, radix: 16) })")
    }
}

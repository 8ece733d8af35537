import Foundation
import Testing

@testable import ConcertProtocol

@Suite struct ProtocolWhitespaceMemberTests {
    @Test func everyScalarIsWhitespaceExactlyWhenFoundationsSetHoldsIt() {
        let whitespaces = CharacterSet.whitespaces
        var differing: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if scalar.isWhitespaceMember != whitespaces.contains(scalar) { differing.append(value) }
        }
        #expect(differing.isEmpty, "\(differing.prefix(10).map { String($0, radix: 16) })")
    }

    @Test(arguments: ["", " ", "7d", " 7d ", "\t1h\u{3000}", "\u{00A0}a b\u{2003}", "x\n", "\u{200B}1d\u{200B}"])
    func trimsAsFoundationDoes(_ text: String) {
        #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespaces))
    }
}

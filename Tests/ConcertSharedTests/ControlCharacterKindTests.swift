import Testing

@testable import ConcertShared

@Suite struct ControlCharacterKindTests {
    /// An error names the kind the docs name: a bidirectional control is not called a control character.
    @Test(
        arguments: [
            (0x00, "control character"), (0x1B, "control character"), (0x7F, "control character"),
            (0x9B, "control character"), (0x2028, "line separator"), (0x2029, "paragraph separator"),
            (0x061C, "bidirectional control"), (0x200E, "bidirectional control"), (0x202E, "bidirectional control"),
            (0x2066, "bidirectional control"), (0x2069, "bidirectional control"),
        ] as [(UInt32, String)])
    func namesTheKind(_ value: UInt32, _ kind: String) throws {
        let scalar = try #require(Unicode.Scalar(value))
        #expect(scalar.isControlCharacter)
        #expect(scalar.controlCharacterKind == kind)
    }
}

import ConcertProtocol
import ConcertShared
import Foundation
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ControlMessageDecoderTests {
    func decode(_ text: String) -> ControlMessageDecoder.Outcome {
        ControlMessageDecoder.decode(line: Array(text.utf8))
    }

    func error(_ outcome: ControlMessageDecoder.Outcome) -> (RequestID, ControlErrorCode)? {
        guard case .invalid(let reply) = outcome, let error = reply.error else { return nil }
        return (reply.id, error.code)
    }

    @Test func aWellFormedRequestIsDecoded() {
        let outcome = decode(#"{"jsonrpc":"2.0","id":3,"method":"concerts","params":{"city":"busan"},"protocol":1}"#)
        #expect(
            outcome
                == .request(
                    ControlRequest(
                        id: .number(3), method: "concerts", params: .object(["city": .string("busan")]),
                        protocolVersion: 1)))
    }

    @Test func theProtocolVersionIsAlsoReadFromParams() {
        guard
            case .request(let request) = decode(
                #"{"jsonrpc":"2.0","id":"x","method":"status","params":{"protocol":1}}"#)
        else {
            Issue.record("not decoded")
            return
        }
        #expect(request.protocolVersion == 1)
        #expect(request.id == .string("x"))
    }

    @Test func blankLinesAreIgnored() {
        #expect(decode("") == .blank)
        #expect(decode(" \t\r") == .blank)
    }

    @Test func invalidUTF8IsAParseErrorWithANullID() {
        let outcome = ControlMessageDecoder.decode(line: [0x7B, 0xC3, 0x28, 0x7D])
        #expect(error(outcome)?.0 == .null)
        #expect(error(outcome)?.1 == .parseError)
        // An overlong encoding and a lone surrogate are invalid too.
        #expect(error(ControlMessageDecoder.decode(line: [0x22, 0xC0, 0xAF, 0x22]))?.1 == .parseError)
        #expect(error(ControlMessageDecoder.decode(line: [0x22, 0xED, 0xA0, 0x80, 0x22]))?.1 == .parseError)
    }

    @Test(arguments: [
        #"{"jsonrpc":"2.0","id":1,"method":"status""#, "{", "nul", #"{"a":1}}"#, "'single'", "{\"a\":\u{1}}",
    ])
    func invalidJSONIsAParseError(line: String) {
        #expect(error(decode(line))?.1 == .parseError)
    }

    @Test(arguments: [
        ("[]", RequestID.null), ("42", .null), (#""status""#, .null), ("null", .null),
        (#"{"jsonrpc":"2.0","id":1.5,"method":"status"}"#, .null),
        (#"{"jsonrpc":"2.0","id":{"a":1},"method":"status"}"#, .null),
        (#"{"id":1,"method":"status"}"#, .number(1)),
        (#"{"jsonrpc":"2.0","id":2,"method":""}"#, .number(2)),
        (#"{"jsonrpc":"2.0","id":3,"method":7}"#, .number(3)),
        (#"{"jsonrpc":"2.0","id":"s","method":"status","params":"busan"}"#, .string("s")),
        (#"{"jsonrpc":"2.0","id":4,"method":"status","protocol":"1"}"#, .number(4)),
        (#"{"jsonrpc":"2.0","id":5,"method":"status","params":null}"#, .number(5)),
        (#"{"jsonrpc":"2.0","id":6,"method":"status","params":7}"#, .number(6)),
        (#"{"jsonrpc":"2.0","id":7,"method":"status","protocol":null}"#, .number(7)),
        (#"{"jsonrpc":"2.0","id":8,"method":"status","params":{"protocol":null}}"#, .number(8)),
        (#"{"jsonrpc":"2.0","id":9,"method":"status","params":{"protocol":1.5}}"#, .number(9)),
        (#"{"jsonrpc":null,"id":10,"method":"status"}"#, .number(10)),
        (#"{"jsonrpc":"2.0","id":11,"method":null}"#, .number(11)),
    ])
    func aJSONValueThatIsNotARequestIsAnInvalidRequest(line: String, id: RequestID) {
        let found = error(decode(line))
        #expect(found?.1 == .invalidRequest)
        #expect(found?.0 == id)
    }

    @Test func aBatchIsRefusedWithAnExplanation() {
        guard case .invalid(let reply) = decode(#"[{"jsonrpc":"2.0","id":1,"method":"status"}]"#) else {
            Issue.record("a batch was accepted")
            return
        }
        #expect(reply.error?.message.contains("batch") == true)
    }

    @Test func anUnknownProtocolVersionIsRefusedWithTheRequestsID() {
        let newer = error(decode(#"{"jsonrpc":"2.0","id":9,"method":"status","protocol":3}"#))
        #expect(newer?.0 == .number(9))
        #expect(newer?.1 == .unsupportedProtocol)
        #expect(
            error(decode(#"{"jsonrpc":"2.0","id":9,"method":"status","params":{"protocol":0}}"#))?.1
                == .unsupportedProtocol)
    }

    @Test func protocolOneAndTwoAreBothSpoken() {
        for version in [1, 2] {
            guard
                case .request(let request) = decode(
                    #"{"jsonrpc":"2.0","id":1,"method":"status","protocol":\#(version)}"#)
            else {
                Issue.record("protocol \(version) was refused")
                continue
            }
            #expect(request.protocolVersion == version)
        }
    }

    @Test func aNullIDIsKeptAsNull() {
        guard case .request(let request) = decode(#"{"jsonrpc":"2.0","id":null,"method":"status","params":[]}"#)
        else {
            Issue.record("not decoded")
            return
        }
        #expect(request.id == .null)
        #expect(request.params == .array([]))
    }

    @Test func anArrayAndAnObjectOfTheWrongShapeAreNamed() {
        for (line, word) in [("[1]", "batch"), ("7", "a number"), (#""x""#, "a string"), ("true", "a boolean")] {
            guard case .invalid(let reply) = decode(line) else {
                Issue.record("\(line) was accepted")
                continue
            }
            #expect(reply.error?.message.contains(word) == true)
        }
    }

    @Test func aNotificationHasNoID() {
        guard case .request(let request) = decode(#"{"jsonrpc":"2.0","method":"reload"}"#) else {
            Issue.record("not decoded")
            return
        }
        #expect(request.isNotification)
    }

    @Test func deeplyNestedJSONIsRefusedWithoutCrashing() {
        let depth = 30_000
        let line =
            #"{"jsonrpc":"2.0","id":1,"method":"status","params":{"x":"# + String(repeating: "[", count: depth)
            + String(repeating: "]", count: depth) + "}}"
        #expect(error(decode(line)) != nil)
    }

    @Test func randomBytesNeverCrashTheDecoder() {
        var generator = SystemRandomNumberGenerator()
        let seeds = [
            #"{"jsonrpc":"2.0","id":1,"method":"subscribe","params":{"cities":["busan"],"email":"a@b.kr"}}"#,
            #"{"jsonrpc":"2.0","id":"é","method":"deliveries","params":{"limit":5}}"#,
        ].map { Array($0.utf8) }
        for round in 0..<3_000 {
            var line = seeds[round % seeds.count]
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let index = Int.random(in: 0..<line.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: line[index] = UInt8.random(in: 0...255, using: &generator)
                case 1: line.remove(at: index)
                default: line.insert(UInt8.random(in: 0...255, using: &generator), at: index)
                }
                if line.isEmpty { break }
            }
            switch ControlMessageDecoder.decode(line: line) {
            case .request(let request): #expect(!request.method.isEmpty)
            case .invalid(let reply): #expect(reply.error != nil)
            case .blank: break
            }
        }
    }
}

import ConcertProtocol
import ConcertShared
import Foundation
import Testing

/// A request read from the wire decodes its params straight from its line; a request built with
/// a `JSONValue` decodes them from that value. Both must come to the same params or the same
/// `invalid_params` error, naming the same field.
@Suite(.timeLimit(.minutes(1)))
struct ControlRequestLineTests {
    /// The request `ControlMessageDecoder` makes of `line`.
    func wire(_ line: String) -> ControlRequest? {
        guard case .request(let request) = ControlMessageDecoder.decode(line: Array(line.utf8)) else { return nil }
        return request
    }

    /// The same request with its params held as a value, decoded from the line the plain way:
    /// the whole line into a `JSONValue`, the reference the decoder's answers are compared with.
    func valued(_ line: String) throws -> ControlRequest {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
        let members = value.objectValue ?? [:]
        guard case .string(let method) = members["method"] else { throw CancellationError() }
        let id: RequestID? =
            switch members["id"] {
            case .int(let number)?: .number(number)
            case .string(let string)?: .string(string)
            case .null?: .null
            default: nil
            }
        let version: Int? =
            if case .int(let number)? = members["protocol"] { Int(number) } else {
                if case .int(let number)? = members["params"]?.objectValue?["protocol"] { Int(number) } else { nil }
            }
        return ControlRequest(id: id, method: method, params: members["params"], protocolVersion: version)
    }

    func outcome<P: Decodable & Equatable>(_ request: ControlRequest, _ type: P.Type) -> Result<P, ControlError> {
        Result { () throws(ControlError) in try request.decodeParams(as: P.self) }
    }

    func expectSame<P: Decodable & Equatable>(
        _ line: String, _ type: P.Type, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let fromLine = try #require(wire(line), sourceLocation: sourceLocation)
        let fromValue = try valued(line)
        #expect(fromLine == fromValue, sourceLocation: sourceLocation)
        #expect(fromLine.params == fromValue.params, sourceLocation: sourceLocation)
        #expect(outcome(fromLine, type) == outcome(fromValue, type), sourceLocation: sourceLocation)
    }

    static let subscribeParams = [
        #"{"cities":["busan"],"email":"a@b.kr","before":"7d, 1d"}"#,
        #"{"cities":["busan","suyeong"],"webhook":"https://example.org/h","format":"generic","secret":"s"}"#,
        #"{"cities":"busan","email":"a@b.kr"}"#,
        #"{"cities":["busan",3],"email":"a@b.kr"}"#,
        #"{"email":"a@b.kr"}"#,
        #"{"cities":["busan"],"email":null,"quiet":null}"#,
        #"{"cities":["busan"],"email":"a\u0040b.kr","label":"\ud83c\udfb5 \"q\" \\ é"}"#,
        #"{"cities":["busan"],"email":"a@b.kr","email":"c@d.kr"}"#,
        #"{"cities":["busan"],"before":["7d","1h"],"lang":"en","quiet":true,"extra":{"x":[1,2.5,null]}}"#,
        #"{"cities":["busan"],"before":7,"quiet":"yes"}"#,
        #"{"cities":[],"quiet":1}"#,
        #"{"cities":null}"#,
        #"{"protocol":1,"cities":["busan"]}"#,
        "{}",
    ]

    @Test(arguments: subscribeParams)
    func subscribeParamsDecodeTheSameBothWays(params: String) throws {
        try expectSame(#"{"jsonrpc":"2.0","id":1,"method":"subscribe","params":"# + params + "}", SubscribeParams.self)
    }

    static let numbers = [
        "5", "5.0", "1e2", "1.5", "-3", "\"ten\"", "null", "99999999999999999999", "true", "[]", "{}",
    ]

    @Test(arguments: numbers)
    func numbersDecodeTheSameBothWays(number: String) throws {
        try expectSame(
            #"{"jsonrpc":"2.0","id":"n","method":"deliveries","params":{"limit":"# + number + "}}",
            DeliveriesParams.self)
        try expectSame(
            #"{"jsonrpc":"2.0","id":"n","method":"retry","params":{"id":"# + number + "}}", DeliveryIDParams.self)
    }

    @Test func stageParamsDecodeTheSameBothWays() throws {
        let lines = [
            #"{"cities":["busan"],"email":"user1@example.org","before":"7d,1d,1h"}"#, "", "  ", "not json",
            #"{"cities":["서울"],"webhook":"http://127.0.0.1/hook/1?a=b&c=d","format":"generic","secret":"x"}"#,
        ]
        let encoded = String(decoding: try JSONEncoder().encode(lines), as: UTF8.self)
        for params in [
            #"{"batch":"batch-x","first_line":3,"lines":"# + encoded + "}", #"{"lines":"# + encoded + "}",
            #"{"first_line":"3","lines":[]}"#, #"{"lines":["a",1]}"#, #"{"first_line":1}"#,
        ] {
            try expectSame(
                #"{"jsonrpc":"2.0","id":7,"method":"subscribe.bulk.stage","params":"# + params + "}",
                SubscribeBulkStageParams.self)
        }
    }

    @Test func absentAndPositionalParamsDecodeTheSameBothWays() throws {
        try expectSame(#"{"jsonrpc":"2.0","id":1,"method":"upcoming"}"#, UpcomingParams.self)
        try expectSame(#"{"jsonrpc":"2.0","id":1,"method":"retry"}"#, DeliveryIDParams.self)
        try expectSame(#"{"jsonrpc":"2.0","id":1,"method":"retry","params":[3]}"#, DeliveryIDParams.self)
        try expectSame(#"{"jsonrpc":"2.0","id":1,"method":"upcoming","params":[]}"#, UpcomingParams.self)
    }

    @Test func errorsNameTheFieldWithoutTheEnvelope() throws {
        let request = try #require(
            wire(#"{"jsonrpc":"2.0","id":1,"method":"subscribe","params":{"cities":["busan",3]}}"#))
        let error = #expect(throws: ControlError.self) { try request.decodeParams(for: ControlMethods.subscribe) }
        #expect(error?.code == .invalidParams)
        #expect(error?.field == "cities[1]")
        #expect(error?.message == "params.cities[1]: expected a string")
        let missing = try #require(wire(#"{"jsonrpc":"2.0","id":1,"method":"retry","params":{"protocol":1}}"#))
        let required = #expect(throws: ControlError.self) { try missing.decodeParams(for: ControlMethods.retry) }
        #expect(required?.field == "id")
        #expect(required?.message == "params.id is required")
    }

    @Test func aRequestFromTheWireEncodesAsItsValue() throws {
        let line = #"{"jsonrpc":"2.0","id":2,"method":"concerts","params":{"city":"busan"},"protocol":1}"#
        let request = try #require(wire(line))
        let encoded = try JSONCoding.lineEncoder().encode(request)
        #expect(
            String(decoding: encoded, as: UTF8.self)
                == #"{"id":2,"jsonrpc":"2.0","method":"concerts","params":{"city":"busan"},"protocol":1}"#)
        var changed = request
        changed.params = .object(["city": .string("seoul")])
        #expect(changed.params == .object(["city": .string("seoul")]))
        #expect(request.params == .object(["city": .string("busan")]))
    }
}

/// The request decoder reads only part of a line's values; `JSONTokenCheck` must refuse exactly
/// the lines whose values `JSONDecoder` cannot read, as when the whole line was read into a `JSONValue`.
@Suite(.timeLimit(.minutes(1)))
struct ControlRequestLineValueTests {
    /// Whether the line was a `parse_error` when every value was read.
    static func readable(_ bytes: [UInt8]) -> Bool {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))) != nil
    }

    static func isParseError(_ bytes: [UInt8]) -> Bool {
        guard case .invalid(let reply) = ControlMessageDecoder.decode(line: bytes) else { return false }
        return reply.error?.code == .parseError
    }

    static let values: [String] = [
        #""\x""#, #""\u12G4""#, #""\ud800""#, #""\udc00""#, #""\udc00\ud800""#, #""\ud800\u0041""#, #""\ud800x""#,
        #""\ud800\n""#, #""\uDBFF\uDFFF""#, #""\ud800\ud800""#, #""\uD83C\uDFB5""#, #""\u00E9""#, #""\/""#,
        #""\u0000""#, #""a\tb""#, "\"a\tb\"", "\"\u{7F}\"", "\"\u{1}\"", #""\""#, #""\\""#, #""é\"\\""#, "01", "1.",
        "-", "1e", "1e+", "00", "-0", "-01", "0.0e0", "0e", "0.e1", "1E+2", "1e02", "-0.0", "0", "12.", "1.2.3",
        "1e5e5", "1-2", "1+2", "-e1", "1.5e3", "1E400", "-1e400", "2e308", "1e-400", "4.9e-324",
        "1.7976931348623157e308", "1.7976931348623159e308", "1.797693134862315807e308",
        "99999999999999999999999999", "9223372036854775808", "-9223372036854775809",
        "1" + String(repeating: "0", count: 308), "1" + String(repeating: "0", count: 309),
        "0." + String(repeating: "0", count: 400) + "1", "[1,]", #"{"a":1,}"#, "[01]", #"["\q",2]"#,
        #"{"\u0061":1}"#, #"{"\ud800":1}"#, "true", "null",
    ]

    @Test(arguments: values)
    func aValueIsRefusedExactlyWhenItCannotBeRead(value: String) {
        for line in [
            #"{"jsonrpc":"2.0","id":1,"method":"subscribe","params":{"cities":["busan"],"x":"# + value + "}}",
            #"{"jsonrpc":"2.0","id":1,"method":"subscribe.bulk","params":{"lines":["# + value + "]}}",
            #"{"jsonrpc":"2.0","id":1,"method":"status","extra":"# + value + "}",
        ] {
            let bytes = Array(line.utf8)
            #expect(Self.isParseError(bytes) == !Self.readable(bytes), "\(line)")
        }
    }

    @Test func mutatedLinesAreRefusedExactlyWhenTheyCannotBeRead() {
        var generator = SystemRandomNumberGenerator()
        let seeds = [
            #"{"jsonrpc":"2.0","id":1,"method":"subscribe.bulk.stage","params":{"first_line":12,"lines":["{\"cities\":[\"busan\"],\"email\":\"u1@example.org\",\"before\":\"7d,1d\"}","\u00e9\ud83c\udfb5 -1.5e3"]}}"#,
            #"{"jsonrpc":"2.0","id":"é","method":"deliveries","params":{"limit":5,"x":[1.25,-0,1e2,"\n\t\/"]}}"#,
        ].map { Array($0.utf8) }
        let alphabet = Array(#"0123456789-+.eE"\u/abcdfnrtD8{}[],:"#.utf8)
        var checked = 0
        for round in 0..<20_000 {
            var line = seeds[round % seeds.count]
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let index = Int.random(in: 0..<line.count, using: &generator)
                let byte = alphabet.randomElement(using: &generator)!
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: line[index] = byte
                case 1: line.remove(at: index)
                default: line.insert(byte, at: index)
                }
            }
            // A parse error exactly when some value could not be read; otherwise a request, or
            // a refusal of a readable line (a mutated `jsonrpc`, `method`, …).
            let text = String(decoding: line, as: UTF8.self)
            #expect(Self.isParseError(line) == !Self.readable(line), "\(text)")
            if case .request = ControlMessageDecoder.decode(line: line) { checked += 1 }
        }
        #expect(checked > 1_000)
    }
}

import ConcertProtocol
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ControlRequestParamsTests {
    @Test func absentParamsDecodeAsAnEmptyObject() throws {
        let request = ControlRequest(id: .number(1), method: "upcoming")
        #expect(try request.decodeParams(for: ControlMethods.upcoming) == UpcomingParams())
    }

    @Test func aWrongTypeNamesTheFieldAndTheExpectedType() {
        let request = ControlRequest(id: .number(1), method: "subscribe", params: .object(["cities": .string("busan")]))
        let error = #expect(throws: ControlError.self) { try request.decodeParams(for: ControlMethods.subscribe) }
        #expect(error?.code == .invalidParams)
        #expect(error?.field == "cities")
        #expect(error?.message == "params.cities: expected an array")
    }

    @Test func aMissingRequiredParamIsNamed() {
        let request = ControlRequest(id: .number(1), method: "retry", params: .object([:]))
        let error = #expect(throws: ControlError.self) { try request.decodeParams(for: ControlMethods.retry) }
        #expect(error?.message == "params.id is required")
    }

    @Test func anElementOfTheWrongTypeIsNamedWithItsIndex() {
        let request = ControlRequest(
            id: .number(1), method: "subscribe", params: .object(["cities": .array([.string("busan"), .int(3)])]))
        let error = #expect(throws: ControlError.self) { try request.decodeParams(for: ControlMethods.subscribe) }
        #expect(error?.field == "cities[1]")
    }

    @Test func positionalParamsAreInvalidParams() {
        let request = ControlRequest(id: .number(1), method: "retry", params: .array([.int(3)]))
        let error = #expect(throws: ControlError.self) { try request.decodeParams(for: ControlMethods.retry) }
        #expect(error?.code == .invalidParams)
    }

    @Test func aReplyOfTheWrongShapeIsAnInternalErrorForTheClient() {
        let reply = ControlReply(id: .number(1), outcome: .success(.object(["concerts": .int(1)])))
        let error = #expect(throws: ControlError.self) { try reply.decodeResult(as: ConcertsResult.self) }
        #expect(error?.code == .internalError)
    }

    @Test(arguments: [Int64.min, -1, 0, 1_000_000_000, Int64(Int.max)])
    func aFirstLineOutOfRangeIsInvalidParamsNamingIt(_ firstLine: Int64) {
        let request = ControlRequest(
            id: .number(1), method: "subscribe.bulk.stage",
            params: .object(["first_line": .int(firstLine), "lines": .array([.string("{}"), .string("{}")])]))
        let error = #expect(throws: ControlError.self) {
            try request.decodeParams(for: ControlMethods.subscribeBulkStage)
        }
        #expect(error?.code == .invalidParams)
        #expect(error?.field == "first_line")
    }

    @Test func theLastLineOfAChunkMayBeTheLastLineNumberAllowed() throws {
        let last = ParamRange.lineNumber.upperBound
        let request = ControlRequest(
            id: .number(1), method: "subscribe.bulk.stage",
            params: .object(["first_line": .int(Int64(last - 1)), "lines": .array([.string("{}"), .string("{}")])]))
        #expect(try request.decodeParams(for: ControlMethods.subscribeBulkStage).firstLine == last - 1)
    }

    @Test(arguments: [Int64.min, -1, 0])
    func aDeliveryIDBelowOneIsInvalidParams(_ id: Int64) {
        let request = ControlRequest(id: .number(1), method: "retry", params: .object(["id": .int(id)]))
        let error = #expect(throws: ControlError.self) { try request.decodeParams(for: ControlMethods.retry) }
        #expect(error?.code == .invalidParams)
        #expect(error?.field == "id")
    }

    @Test(arguments: [Int64.min, -3, 0, 10_001, Int64.max])
    func aLimitOutOfRangeIsInvalidParamsSayingTheRange(_ limit: Int64) {
        let request = ControlRequest(id: .number(1), method: "deliveries", params: .object(["limit": .int(limit)]))
        let error = #expect(throws: ControlError.self) { try request.decodeParams(for: ControlMethods.deliveries) }
        #expect(error?.code == .invalidParams)
        #expect(error?.field == "limit")
        #expect(error?.message.contains("from 1 to 10000") == true)
    }

    @Test func anEmptyOrOverlongCursorIsInvalidParams() {
        for cursor in ["", String(repeating: "A", count: 257)] {
            let request = ControlRequest(
                id: .number(1), method: "subscriptions", params: .object(["cursor": .string(cursor)]))
            let error = #expect(throws: ControlError.self) {
                try request.decodeParams(for: ControlMethods.subscriptions)
            }
            #expect(error?.field == "cursor")
        }
    }

    /// Foundation's decoder on Linux says only "not valid JSON" for these, without the member.
    @Test(arguments: ["1.5", "-0.5", "1e-3"])
    func aNumberThatIsNotAWholeOneIsNamed(_ number: String) throws {
        let error = try decodingError(method: ControlMethods.upcoming, #"{"cursor":"x","limit":\#(number)}"#)
        #expect(error?.code == .invalidParams)
        #expect(error?.field == "limit")
        #expect(
            error?.message.hasPrefix("params.limit: expected a whole number") == true, "\(String(describing: error))")
    }

    /// A whole number too large for 64 bits is out of range, and the message gives the range
    /// rather than the number as a float (`9.223372036854776e+18`).
    @Test(arguments: [
        ("upcoming", "limit", #"{"limit":9223372036854775808}"#, "from 1 to 10000"),
        ("upcoming", "limit", #"{"limit":-9223372036854775809}"#, "from 1 to 10000"),
        ("upcoming", "limit", #"{"limit":1e300}"#, "from 1 to 10000"),
        ("backup.read", "offset", #"{"backup":"b","offset":9223372036854775808}"#, "from 0 to 9223372036854775807"),
        ("backup.read", "offset", #"{"backup":"b","offset":-1e19}"#, "from 0 to 9223372036854775807"),
        ("backup.read", "length", #"{"backup":"b","offset":0,"length":18446744073709551616}"#, "from 1 to 1048576"),
        ("retry", "id", #"{"id":9223372036854775808}"#, "from 1 to 9223372036854775807"),
        ("subscribe.bulk.stage", "first_line", #"{"first_line":1e20,"lines":[]}"#, "from 1 to 1000000000"),
    ])
    func aWholeNumberBeyond64BitsIsOutOfRangeAndTheRangeIsGiven(
        method: String, member: String, params: String, range: String
    ) throws {
        let error: ControlError?
        switch method {
        case "upcoming": error = try decodingError(method: ControlMethods.upcoming, params)
        case "backup.read": error = try decodingError(method: ControlMethods.backupRead, params)
        case "retry": error = try decodingError(method: ControlMethods.retry, params)
        default: error = try decodingError(method: ControlMethods.subscribeBulkStage, params)
        }
        #expect(error?.code == .invalidParams)
        #expect(error?.field == member)
        let message = error?.message ?? ""
        #expect(message.contains("params.\(member) is out of range: it must be a whole number \(range)"), "\(message)")
        #expect(!message.contains("e+"), "\(message)")
    }

    /// The error of decoding `params` (a JSON object's text) as the params of `method`, read from a request line.
    func decodingError<P, R>(method: ControlMethod<P, R>, _ params: String) throws -> ControlError? {
        let line = #"{"jsonrpc":"2.0","id":1,"method":"\#(method.name)","params":\#(params)}"#
        guard case .request(let request) = ControlMessageDecoder.decode(line: Array(line.utf8)) else {
            Issue.record("not read as a request: \(line)")
            return nil
        }
        return #expect(throws: ControlError.self) { try request.decodeParams(for: method) }
    }
}

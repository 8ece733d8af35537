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
}

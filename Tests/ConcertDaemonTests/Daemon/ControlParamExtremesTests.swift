import ConcertProtocol
import ConcertShared
import Foundation
import Testing

@testable import ConcertDaemon

/// Every number and every time of every method's params at the edges of its type and past the
/// edges of its range, sent to the daemon's own handler in this process: each is answered with a
/// result or a typed error (`invalid_params` naming the field when the value is out of range),
/// never a trap, and the daemon answers afterwards.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ControlParamExtremesTests {
    /// One method: its params' members (found by ``ParamsMemberProbe``) and params that are valid
    /// apart from the member under test, so that the value tried is the one looked at.
    struct Method: CustomStringConvertible {
        var name: String
        var members: [String: [String]]
        var base: [String: JSONValue]
        var description: String { name }

        init<P, R>(_ method: ControlMethod<P, R>, _ base: [String: JSONValue] = [:]) {
            name = method.name
            members = ParamsMemberProbe.members(of: P.self)
            self.base = base
        }
    }

    static let subscribeLine = #"{"cities":["busan"],"email":"a@example.org"}"#

    static let methods: [Method] = [
        Method(ControlMethods.status), Method(ControlMethods.cities),
        Method(ControlMethods.concerts),
        Method(
            ControlMethods.concertAdd,
            ["cities": .array([.string("busan")]), "title": .string("T"), "start": .string("2019-12-20T14:00")]),
        Method(ControlMethods.concertReschedule, ["id": .string("busan-2019"), "start": .string("2019-12-20T14:00")]),
        Method(ControlMethods.concertCancel, ["id": .string("busan-2019")]),
        Method(ControlMethods.concertReset, ["id": .string("busan-2019")]),
        Method(
            ControlMethods.subscribe,
            ["cities": .array([.string("busan")]), "email": .string("a@example.org"), "quiet": .bool(true)]),
        Method(ControlMethods.subscribeBulk, ["lines": .array([.string(subscribeLine)])]),
        Method(ControlMethods.subscribeBulkStage, ["lines": .array([.string(subscribeLine)])]),
        Method(ControlMethods.subscribeBulkCommit, ["batch": .string("batch-none")]),
        Method(ControlMethods.subscriptions), Method(ControlMethods.unsubscribe, ["id": .string("sub-none")]),
        Method(ControlMethods.pause, ["id": .string("sub-none")]),
        Method(ControlMethods.resume, ["id": .string("sub-none")]),
        Method(ControlMethods.upcoming), Method(ControlMethods.deliveries),
        Method(ControlMethods.retry, ["id": .int(1)]), Method(ControlMethods.test, ["id": .string("sub-none")]),
        Method(ControlMethods.preview), Method(ControlMethods.reload),
        Method(ControlMethods.subscribeBulkProgress, ["batch": .string("batch-none")]),
        Method(ControlMethods.backup),
        Method(ControlMethods.backupRead, ["backup": .string("backup-none"), "offset": .int(0)]),
    ]

    /// Number members for which 0 is a valid value (an offset into a file): tried among the values
    /// answered either way.
    static let zeroIsValid: Set<String> = ["backup.read.offset"]

    /// The string members that hold times; every other string member is text. A new string member
    /// must be added to one of the two lists (`everyMemberOfEveryMethodIsKnown`).
    static let timeMembers: Set<String> = ["start", "end", "from", "to"]
    static let textMembers: Set<String> = [
        "cities", "lines", "city", "cursor", "id", "title", "venue", "venue_en", "speaker", "email", "webhook",
        "format", "secret",
        "before", "lang",
        "label", "batch", "state", "subscription", "backup", "generated_secrets",
    ]
    static let integerTypes: Set<String> = [
        "Int", "Int64", "Int32", "UInt", "UInt64", "Optional<Int>", "Optional<Int64>",
    ]

    static func isInteger(_ types: [String]) -> Bool { types.contains { integerTypes.contains($0) } }

    /// Values no number member accepts: each is `invalid_params` naming the member. (`Int64.max`
    /// is a valid delivery id, so it is tried below among the values answered either way.)
    static let refusedNumbers: [(String, String)] = [
        ("Int64.min", "-9223372036854775808"), ("-1", "-1"), ("0", "0"), ("2^63", "9223372036854775808"),
        ("1e300", "1e300"), ("a fraction", "1.5"), ("a string", #""7""#), ("-0.0", "-0.5"),
        ("-2^63-1", "-9223372036854775809"),
    ]
    /// Of ``refusedNumbers``, the whole numbers beyond 64 bits: answered with the member's range.
    static let beyond64Bits: Set<String> = ["2^63", "1e300", "-2^63-1"]
    static let otherNumbers = ["1", "9223372036854775807", "10000", "10001", "1000000000", "4294967297"]

    /// Times before or after ``ParamRange/year``, in every form: `invalid_params`.
    static let refusedTimes = [
        "0000-01-01", "0000-01-01T00:00+00:00", "1999-12-31T23:59:59+09:00", "2100-01-01", "2100-01-01T00:00+09:00",
        "9999-12-31T23:59:59+14:00", "9999-12-31T23:59:59-23:59", "1970-01-01T00:00Z",
    ]
    /// Texts that are no time at all: `invalid_input`.
    static let unreadableTimes = ["99999-01-01", "-001-01-01", "+999-01-01", "2019-02-30", "2019-10-29T24:00"]

    func send(_ handler: DaemonControlHandler, _ method: String, _ params: String) async throws -> ControlReply {
        let line = #"{"jsonrpc":"2.0","id":1,"method":"\#(method)","params":\#(params)}"#
        guard case .request(let request) = ControlMessageDecoder.decode(line: Array(line.utf8)) else {
            throw TestClientError(description: "not a request: \(line)")
        }
        return await handler.handle(request, peer: PeerCredentials(pid: 1, uid: 0, gid: 0))
    }

    /// `base` with `member` set to the raw JSON `value`.
    func params(_ base: [String: JSONValue], _ member: String, raw value: String) throws -> String {
        var members = base
        members[member] = nil
        let rest = String(decoding: try JSONCoding.lineEncoder().encode(JSONValue.object(members)), as: UTF8.self)
        return "{\"\(member)\":\(value)" + (members.isEmpty ? "}" : "," + rest.dropFirst())
    }

    @Test func theProbeFindsTheNumbersAndTimesOfTheParams() {
        let found = Dictionary(uniqueKeysWithValues: Self.methods.map { ($0.name, $0.members) })
        #expect(Self.isInteger(found["subscribe.bulk.stage"]?["first_line"] ?? []))
        #expect(Self.isInteger(found["retry"]?["id"] ?? []))
        for listing in ["subscriptions", "concerts", "upcoming", "deliveries", "preview"] {
            #expect(Self.isInteger(found[listing]?["limit"] ?? []), "\(listing)")
            #expect(found[listing]?["cursor"] != nil, "\(listing)")
        }
        #expect(
            found["concert.add"]?.keys.sorted() == ["cities", "end", "speaker", "start", "title", "venue", "venue_en"])
        #expect(found["preview"]?["from"] != nil && found["preview"]?["to"] != nil)
    }

    @Test func everyMethodIsTried() {
        #expect(Set(Self.methods.map(\.name)) == Set(ControlMethods.names))
    }

    @Test(arguments: methods)
    func everyMemberOfEveryMethodIsKnown(_ method: Method) {
        for (member, types) in method.members
        where !Self.isInteger(types) && types.contains(where: { $0.contains("String") }) {
            #expect(
                Self.timeMembers.contains(member) || Self.textMembers.contains(member),
                "\(method).\(member) is a string member neither list names: is it a time?")
        }
    }

    @Test(arguments: methods)
    func everyNumberAndTimeAtItsEdgesIsAnsweredWithATypedReply(_ method: Method) async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let handler = DaemonControlHandler(daemon: daemon.daemon)
        let known = Set(ControlErrorCode.all)
        var tried = 0
        for (member, types) in method.members.sorted(by: { $0.key < $1.key }) {
            if Self.isInteger(types) {
                for (name, value) in Self.refusedNumbers {
                    if value == "0" && Self.zeroIsValid.contains("\(method.name).\(member)") {
                        let reply = try await send(handler, method.name, try params(method.base, member, raw: value))
                        tried += 1
                        #expect(reply.error?.code != .internalError, "\(method).\(member) = 0: \(reply)")
                        continue
                    }
                    let reply = try await send(handler, method.name, try params(method.base, member, raw: value))
                    tried += 1
                    #expect(reply.error?.code == .invalidParams, "\(method).\(member) = \(name): \(reply)")
                    #expect(reply.error?.field == member, "\(method).\(member) = \(name): \(reply)")
                    if Self.beyond64Bits.contains(name) {
                        let message = reply.error?.message ?? ""
                        #expect(
                            message.hasPrefix("params.\(member) is out of range: it must be a whole number from "),
                            "\(method).\(member) = \(name): \(message)")
                    }
                }
                for value in Self.otherNumbers {
                    let reply = try await send(handler, method.name, try params(method.base, member, raw: value))
                    tried += 1
                    if let error = reply.error {
                        #expect(
                            known.contains(error.code) && error.code != .internalError,
                            "\(method).\(member) = \(value): \(error)")
                    }
                }
            } else if Self.timeMembers.contains(member) {
                for value in Self.refusedTimes {
                    let reply = try await send(
                        handler, method.name, try params(method.base, member, raw: "\"\(value)\""))
                    tried += 1
                    #expect(reply.error?.code == .invalidParams, "\(method).\(member) = \(value): \(reply)")
                    #expect(reply.error?.field == member, "\(method).\(member) = \(value): \(reply)")
                }
                for value in Self.unreadableTimes {
                    let reply = try await send(
                        handler, method.name, try params(method.base, member, raw: "\"\(value)\""))
                    tried += 1
                    #expect(reply.error?.code == .invalidInput, "\(method).\(member) = \(value): \(reply)")
                    #expect(reply.error?.field == member, "\(method).\(member) = \(value): \(reply)")
                }
            }
        }
        let numbers = method.members.values.filter(Self.isInteger).count
        let times = method.members.keys.filter(Self.timeMembers.contains).count
        #expect(
            tried == numbers * (Self.refusedNumbers.count + Self.otherNumbers.count) + times
                * (Self.refusedTimes.count + Self.unreadableTimes.count))
        let status = try await send(handler, "status", "{}")
        #expect(status.error == nil, "the daemon still answers")
    }
}

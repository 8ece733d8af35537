import ConcertProtocol
import ConcertShared
import Foundation
import Testing

@testable import ConcertDaemon

/// The reasons an import gives for a rejected line say what the line should hold, in words a
/// person writing the file understands: no Swift type names or decoder dumps, nothing said twice.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ImportLineMessageTests {
    static let lines: [(line: String, reason: String)] = [
        (#"{"cities":"busan","email":"a@example.org"}"#, #"cities must be a list of city names, such as ["busan"]"#),
        (#"{"email":"a@example.org"}"#, #"cities is missing: a list of city names, such as ["busan"]"#),
        (#"{"cities":null,"email":"a@example.org"}"#, #"cities must be a list of city names, such as ["busan"]"#),
        (#"{"cities":["busan",7],"email":"a@example.org"}"#, "cities[1] must be a city name (a string)"),
        (#"{"cities":["busan"],"email":42}"#, "email must be a string"),
        (#"{"cities":["busan"],"webhook":["https://example.org/h"]}"#, "webhook must be a string"),
        (
            #"{"cities":["busan"],"email":"a@example.org","before":7}"#,
            #"before must be a list of offsets, such as ["7d", "1h"] or "7d,1h""#
        ),
        (
            #"{"cities":["busan"],"email":"a@example.org","before":["1d",3]}"#,
            #"before[1] must be an offset, such as "1d""#
        ),
        (#"{"cities":["busan"],"email":"a@example.org","quiet":"yes"}"#, "quiet must be true or false"),
        (#"["busan","a@example.org"]"#, "not a JSON object"),
        (#""busan""#, "not a JSON object"),
        (#"{"cities":["busan"],"email":"a@example.org""#, "not valid JSON"),
        (
            #"{"cities":["busan"],"webhook":"https://example.org/h","format":"generic","secret":"nope"}"#,
            "invalid webhook secret: the secret holds 3 bytes"
        ),
    ]

    func send(_ handler: DaemonControlHandler, _ method: String, _ params: JSONValue) async throws -> ControlReply {
        let request = ControlRequest(id: .number(1), method: method, params: params)
        return await handler.handle(request, peer: PeerCredentials(pid: 1, uid: 0, gid: 0))
    }

    @Test func eachRejectedLineSaysWhatTheLineShouldHold() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let handler = DaemonControlHandler(daemon: daemon.daemon)
        let params = JSONValue.object(["lines": .array(Self.lines.map { .string($0.line) })])
        let reply = try await send(handler, "subscribe.bulk", params)
        let result = try reply.decodeResult(as: SubscribeBulkResult.self)
        #expect(result.imported == 0)
        #expect(result.rejected.map(\.line) == Array(1...Self.lines.count))
        for (rejected, expected) in zip(result.rejected, Self.lines) {
            #expect(rejected.reason.hasPrefix(expected.reason), "line \(rejected.line): \(rejected.reason)")
            for noise in ["DecodingError", "Debug description", "Array<", "Dictionary<", "Swift."] {
                #expect(!rejected.reason.contains(noise), "line \(rejected.line): \(rejected.reason)")
            }
        }
    }

    /// `subscribe` with a bad secret says "invalid" once, as an import line does.
    @Test func aBadSigningSecretIsNamedOnce() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let handler = DaemonControlHandler(daemon: daemon.daemon)
        let reply = try await send(
            handler, "subscribe",
            .object([
                "cities": .array([.string("busan")]), "webhook": .string("https://example.org/h"),
                "format": .string("generic"), "secret": .string("whsec_AAAA"),
            ]))
        let message = reply.error?.message ?? ""
        #expect(reply.error?.field == "secret")
        #expect(message.components(separatedBy: "invalid").count == 2, "\(message)")
        #expect(message.contains("secret"), "\(message)")
    }
}

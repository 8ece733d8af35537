import ConcertProtocol
import Foundation
import GRDB
import Glibc
import Testing

@testable import ConcertDaemon

/// The error table of `docs/control-protocol.md` against the code: it lists every code
/// `ControlErrorCode` knows, with its number, and each code it lists is produced by a request to a
/// real daemon over its socket.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ProtocolDocErrorCodeTests {
    static let document = TestDaemon.repositoryRoot.appendingPathComponent("docs/control-protocol.md")

    /// The rows `| -32700 | `parse_error` | … |` of the document's error table.
    static func documentedCodes() throws -> [(number: Int, name: String)] {
        let text = try String(contentsOf: document, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard let match = line.wholeMatch(of: #/\| (-\d+) \| `([a-z_]+)` \|.*/#), let number = Int(match.1) else {
                return nil
            }
            return (number, String(match.2))
        }
    }

    @Test func theTableListsEveryCodeOfTheCodeWithItsNumber() throws {
        let documented = try Self.documentedCodes()
        #expect(documented.count == Set(documented.map(\.name)).count, "each code once")
        #expect(
            documented.map { "\($0.number) \($0.name)" }.sorted()
                == ControlErrorCode.all.map { "\($0.number) \($0.name)" }.sorted())
    }

    /// `counts.concerts` of `status` has the states the document names, and no other.
    @Test func theConcertStatesOfStatusAreTheDocumentedOnes() throws {
        let text = try String(contentsOf: Self.document, encoding: .utf8).replacingOccurrences(of: "\n", with: " ")
        #expect(
            text.contains(
                "concerts by `upcoming` (scheduled, not yet ended), `over` (scheduled, ended) and `cancelled`"))
        let daemon = try TestDaemon(clockStart: "2019-11-01T00:00")
        defer { daemon.remove() }
        _ = try exchange(daemon, [request("concert.cancel", #"{"id":"goyang-2019"}"#)])
        let status = try exchange(daemon, [request("status")]).decodeResult(as: StatusResult.self)
        #expect(status.counts.concerts.keys.sorted() == ["cancelled", "over", "upcoming"])
    }

    /// One request line (or several) on a connection of its own, and the first reply to it.
    func exchange(_ daemon: TestDaemon, _ lines: [String]) throws -> ControlReply {
        let client = try RawControlClient(path: daemon.socketPath)
        for line in lines { client.send(line: line) }
        return try client.readReply(timeout: 30)
    }

    func request(_ method: String, _ params: String = "{}", protocol version: Int? = nil) -> String {
        #"{"jsonrpc":"2.0","id":1,"method":"\#(method)","params":\#(params)"#
            + (version.map { #","protocol":\#($0)}"# } ?? "}")
    }

    @Test(.enabled(if: getuid() == 0, "permission_denied needs a client running as another user"))
    func everyDocumentedCodeIsProducedByARealDaemon() async throws {
        let daemon = try TestDaemon(config: "control_max_clients = 1\ncontrol_idle_timeout = 1s\n")
        defer { daemon.remove() }
        let subscribed = try exchange(
            daemon, [request("subscribe", #"{"cities":["busan"],"email":"a@example.org","quiet":true}"#)])
        let id = try subscribed.decodeResult(as: SubscribeResult.self).id
        _ = try exchange(daemon, [request("unsubscribe", #"{"id":"\#(id)"}"#)])

        var produced: [String: ControlReply] = [:]
        produced["parse_error"] = try exchange(daemon, ["hello"])
        produced["invalid_request"] = try exchange(daemon, [#"[{"jsonrpc":"2.0","id":1,"method":"status"}]"#])
        produced["method_not_found"] = try exchange(daemon, [request("launch")])
        produced["invalid_params"] = try exchange(daemon, [request("upcoming", #"{"limit":"ten"}"#)])
        produced["not_found"] = try exchange(daemon, [request("pause", #"{"id":"sub-neverwas"}"#)])
        produced["invalid_input"] = try exchange(
            daemon, [request("subscribe", #"{"cities":["atlantis"],"email":"a@example.org"}"#)])
        produced["conflict"] = try exchange(daemon, [request("unsubscribe", #"{"id":"\#(id)"}"#)])
        produced["line_too_long"] = try exchange(daemon, [String(repeating: "x", count: 70_000)])
        produced["unsupported_protocol"] = try exchange(daemon, [request("status", protocol: 99)])
        produced["idle_timeout"] = try exchange(daemon, [])
        produced["unavailable"] = try {
            // One connection for anyone, four more for root: the sixth is refused.
            let held = try (0..<(1 + ControlServer.Configuration.privilegedReserve)).map { _ in
                let client = try RawControlClient(path: daemon.socketPath)
                client.send(line: request("status"))
                _ = try client.readReply()
                return client
            }
            defer { withExtendedLifetime(held) {} }
            return try exchange(daemon, [request("status")])
        }()
        chmod(daemon.socket.directory, 0o755)
        chmod(daemon.socketPath, 0o666)
        let refused = try await offPool { try runAsUser(uid: 65534, gid: 65534, socket: daemon.socketPath) }
        produced["permission_denied"] = try JSONDecoder().decode(ControlReply.self, from: Data(refused.utf8))
        try "control_max_clients = lots\n".write(
            toFile: daemon.directory + "/concertd.conf", atomically: true, encoding: .utf8)
        produced["config_error"] = try exchange(daemon, [request("reload")])
        // Last: a store that fails underneath the daemon (its counters gone) is an internal error.
        try await daemon.sqlite.writer.write { try $0.execute(sql: "DROP TABLE counter") }
        produced["internal_error"] = try exchange(daemon, [request("status")])

        for (_, name) in try Self.documentedCodes() {
            let reply = try #require(produced[name], "no request here produces \(name)")
            #expect(reply.error?.code.name == name, "\(name): \(reply)")
        }
    }
}

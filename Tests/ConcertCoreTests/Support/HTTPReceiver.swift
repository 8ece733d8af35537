import Foundation

/// `Tests/Peers/http_receiver.py` running for one test.
final class HTTPReceiver: Sendable {
    /// One request as the receiver recorded it.
    struct Request: Decodable {
        var method: String
        var path: String
        var headers: [[String]]
        var body: Data
        var clientPort: Int

        enum CodingKeys: String, CodingKey {
            case method, path, headers, body
            case clientPort = "client_port"
        }

        /// The values of the headers named `name` (case-insensitive).
        func headers(named name: String) -> [String] {
            headers.filter { $0[0].caseInsensitiveCompare(name) == .orderedSame }.map { $0[1] }
        }
    }

    let peer: PeerProcess
    let scheme: String

    /// Starts the receiver; with `tls` (certificate and key files) it speaks HTTPS. `echo` is text
    /// its `/echo/…` answers quote besides the request path (a secret it should not have seen).
    init(tls: (certificate: String, key: String)? = nil, echo: String? = nil) async throws {
        var arguments = ["{folder}/requests.jsonl"]
        if let tls { arguments += ["--tls", tls.certificate, tls.key] }
        if let echo { arguments += ["--echo", echo] }
        peer = try await PeerProcess(script: "http_receiver.py", arguments: arguments)
        scheme = tls == nil ? "http" : "https"
    }

    func stop() { peer.stop() }

    /// `scheme://127.0.0.1:port` followed by `path`.
    func url(_ path: String) -> String { "\(scheme)://127.0.0.1:\(peer.port)\(path)" }

    /// Every request recorded so far, in order of arrival.
    func requests() throws -> [Request] {
        let data = try Data(contentsOf: peer.folder.appendingPathComponent("requests.jsonl"))
        return try data.split(separator: UInt8(ascii: "\n")).map {
            try JSONDecoder().decode(Request.self, from: Data($0))
        }
    }

    /// Waits (polling, at most `timeout`) until at least `count` requests were recorded.
    func waitForRequests(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [Request] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let received = try requests()
            if received.count >= count || ContinuousClock.now >= deadline { return received }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

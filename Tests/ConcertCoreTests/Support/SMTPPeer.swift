import Foundation

/// `Tests/Peers/smtp_server.py` (aiosmtpd) running for one test.
final class SMTPPeer: Sendable {
    /// One message the server accepted.
    struct Message {
        var content: Data
        var mailFrom: String
        var recipients: [String]
        var clientPort: Int
        /// The TLS version the message came over (`TLSv1.3`), or `nil` when it came in clear.
        var tls: String?
        var authenticatedAs: String?
    }

    private struct Envelope: Decodable {
        var mailFrom: String
        var recipients: [String]
        var clientPort: Int
        var tls: String?
        var authenticatedAs: String?

        enum CodingKeys: String, CodingKey {
            case mailFrom = "mail_from"
            case recipients = "rcpt_tos"
            case clientPort = "client_port"
            case tls
            case authenticatedAs = "authenticated_as"
        }
    }

    let peer: PeerProcess

    /// Starts the server with the script's options (`--reject`, `--tempfail`, `--auth-reject`,
    /// `--starttls CERT KEY`, `--implicit-tls CERT KEY`, `--auth USER:PASSWORD`, …).
    init(_ options: [String] = []) async throws {
        peer = try await PeerProcess(script: "smtp_server.py", arguments: ["{folder}/messages"] + options)
    }

    func stop() { peer.stop() }

    var url: String { "smtp://127.0.0.1:\(peer.port)" }
    var port: Int { peer.port }

    /// Every message saved so far, in order of arrival.
    func messages() throws -> [Message] {
        let folder = peer.folder.appendingPathComponent("messages")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".eml") }.sorted()
        return try names.map { name in
            let base = folder.appendingPathComponent(String(name.dropLast(4)))
            let envelope = try JSONDecoder().decode(
                Envelope.self, from: Data(contentsOf: base.appendingPathExtension("json")))
            return Message(
                content: try Data(contentsOf: base.appendingPathExtension("eml")), mailFrom: envelope.mailFrom,
                recipients: envelope.recipients, clientPort: envelope.clientPort, tls: envelope.tls,
                authenticatedAs: envelope.authenticatedAs)
        }
    }
}

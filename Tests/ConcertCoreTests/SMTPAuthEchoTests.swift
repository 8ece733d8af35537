import Foundation
import Testing

@testable import ConcertCore

/// A smarthost that quotes the client's AUTH argument in its refusal shows the password in
/// base64 (`AUTH PLAIN` carries `\0user\0password`, `AUTH LOGIN` the password alone): the text
/// concertd keeps and shows has every wire form of it masked.
@Suite struct SMTPAuthEchoTests {
    static let password = "pw-SECRET-123"

    /// The base64 forms of the password a client sends, which a quoting server echoes.
    static let wireForms = [
        Data("\0concertd\0\(password)".utf8).base64EncodedString(),
        Data("concertd\0concertd\0\(password)".utf8).base64EncodedString(),
        Data(password.utf8).base64EncodedString(),
    ]

    @Test(.timeLimit(.minutes(1)), arguments: ["PLAIN", "LOGIN"])
    func aRefusalQuotingTheAuthArgumentDoesNotShowThePassword(mechanism: String) async throws {
        let server = try await SMTPPeer(["--auth-echo", mechanism])
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }
        let smarthost = SmarthostTests.smarthost(server.url, password: Self.password, requireTLS: false)

        let outcome = await smarthost.send(SmarthostTests.message, to: ["citizen@example.test"], using: transport)

        guard case .destinationFailed(let error, _) = outcome else {
            Issue.record("expected a destination failure, got \(outcome)")
            return
        }
        #expect(error.hasPrefix("authentication refused: 535 5.7.8 bad credentials "))
        #expect(error.contains(Secret.placeholder))
        for form in Self.wireForms + [Self.password] {
            #expect(!error.contains(form), "\(error) shows \(form)")
        }
    }

    @Test func theConfigurationsRedactorMasksTheWireFormsOfThePassword() throws {
        var configuration = DaemonConfiguration()
        configuration.smtpURL = try SMTPURL(parsing: "smtp://bob@127.0.0.1:2525")
        configuration.smtpPassword = Secret("pw-SECRET-123")
        let redactor = SecretRedactor(configuration: configuration)
        let exact = [
            Data("\0bob\0pw-SECRET-123".utf8).base64EncodedString(),  // AGJvYgBwdy1TRUNSRVQtMTIz
            Data("bob\0bob\0pw-SECRET-123".utf8).base64EncodedString(),
            Data("pw-SECRET-123".utf8).base64EncodedString(),
        ]
        let prefix = "authentication refused: 535 5.7.8 bad credentials "
        for form in exact {
            #expect(redactor.redact(prefix + form) == prefix + Secret.placeholder, "\(form)")
        }
        // The password inside other base64 text, at each of the three alignments: at most the
        // two base64 characters at each end that mix its bytes with its neighbours' stay.
        for wrapped in ["user=bob\u{1}auth=Bearer pw-SECRET-123\u{1}\u{1}", "x\0pw-SECRET-123\0", "xy\0pw-SECRET-123"] {
            let form = Data(wrapped.utf8).base64EncodedString()
            let text = redactor.redact(prefix + form)
            #expect(text.contains(Secret.placeholder), "\(form)")
            let kept = text.count - prefix.count - Secret.placeholder.count
            #expect(kept <= form.count - (Self.password.count * 4 / 3 - 4), "\(text)")
        }
        // Ordinary words and other base64 text stay.
        let ordinary = "535 5.7.8 Authentication credentials invalid " + Data("someone else".utf8).base64EncodedString()
        #expect(redactor.redact(ordinary) == ordinary)
    }

    /// A smarthost may quote the credential in hex or URL-safe base64 instead: those hide the
    /// password too, whole or inside a longer text, in either letter case, padded or not.
    @Test func hexAndURLSafeBase64FormsOfThePasswordAreMaskedToo() throws {
        var configuration = DaemonConfiguration()
        configuration.smtpURL = try SMTPURL(parsing: "smtp://bob@127.0.0.1:2525")
        configuration.smtpPassword = Secret("pw+SECRET/12?>~")
        let redactor = SecretRedactor(configuration: configuration)
        let plain = Data("\0bob\0pw+SECRET/12?>~".utf8)
        func urlSafe(_ text: String) -> String {
            String(text.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
        }
        let hex = Data("pw+SECRET/12?>~".utf8).map { String(format: "%02x", $0) }.joined()
        let forms = [
            hex, hex.uppercased(), plain.map { String(format: "%02x", $0) }.joined(),
            urlSafe(plain.base64EncodedString()),  // AGJvYgBwdytTRUNSRVQvMTI_Pn4=
            String(urlSafe(plain.base64EncodedString()).dropLast()),
            urlSafe(Data("pw+SECRET/12?>~".utf8).base64EncodedString()),
            urlSafe(Data("x\0pw+SECRET/12?>~ and more".utf8).base64EncodedString()),
        ]
        let prefix = "authentication refused: 535 5.7.8 bad credentials "
        for form in forms {
            let text = redactor.redact(prefix + form)
            #expect(text.contains(Secret.placeholder), "\(form)")
            #expect(!WebhookSecretEncodedEchoTests.reveals(text, "pw+SECRET/12?>~"), "\(form): \(text)")
        }
    }
}

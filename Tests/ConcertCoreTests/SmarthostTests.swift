import Foundation
import Testing

@testable import ConcertCore

/// SMTP submission against aiosmtpd on 127.0.0.1, started by each test.
@Suite struct SmarthostTests {
    static let message = Data(
        ("From: concertd <reminders@concertd.test>\r\nTo: <citizen@example.test>\r\nSubject: test\r\n\r\n"
            + ".a line starting with a dot\r\n..two dots\r\n.\r\nlast line\r\n").utf8)

    static func smarthost(
        _ url: String, password: String? = nil, requireTLS: Bool? = nil, caBundle: String? = nil
    ) -> Smarthost {
        Smarthost(
            url: url, mailFrom: "reminders@concertd.test", username: password.map { _ in "concertd" },
            password: password, requireTLS: requireTLS, caBundlePath: caBundle,
            timeouts: TransferTimeouts(connect: .seconds(5), total: .seconds(20)))
    }

    @Test(.timeLimit(.minutes(1)))
    func aMessageArrivesByteForByteWithItsEnvelope() async throws {
        let server = try await SMTPPeer()
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let outcome = await Self.smarthost(server.url).send(
            Self.message, to: ["citizen@example.test", "second@example.test"], using: transport)

        #expect(outcome == .sent(detail: "250 2.0.0 Ok: queued as 0001"))
        let messages = try server.messages()
        try #require(messages.count == 1)
        #expect(messages[0].content == Self.message)
        #expect(messages[0].mailFrom == "reminders@concertd.test")
        #expect(messages[0].recipients == ["citizen@example.test", "second@example.test"])
    }

    @Test(.timeLimit(.minutes(1)))
    func messagesToTheSameSmarthostShareAConnection() async throws {
        let server = try await SMTPPeer()
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }
        let smarthost = Self.smarthost(server.url)

        for index in 1...5 {
            let outcome = await smarthost.send(Self.message, to: ["citizen\(index)@example.test"], using: transport)
            #expect(outcome == .sent(detail: "250 2.0.0 Ok: queued as 000\(index)"))
        }

        let messages = try server.messages()
        #expect(messages.count == 5)
        #expect(Set(messages.map(\.clientPort)).count == 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func aTemporaryRecipientFailureIsRetryable() async throws {
        let server = try await SMTPPeer(["--tempfail", "later@example.test"])
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let outcome = await Self.smarthost(server.url).send(Self.message, to: ["later@example.test"], using: transport)

        #expect(
            outcome
                == .retryable(
                    error: "recipient (RCPT TO) refused: 451 4.3.0 <later@example.test>: try again later",
                    retryAfter: nil))
        #expect(try server.messages().isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func aTemporaryFailureOfTheMessageIsRetryable() async throws {
        let server = try await SMTPPeer(["--tempfail-data"])
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let outcome = await Self.smarthost(server.url).send(
            Self.message, to: ["citizen@example.test"], using: transport)

        #expect(outcome == .retryable(error: "message refused: 452 4.3.1 insufficient system storage", retryAfter: nil))
    }

    @Test(.timeLimit(.minutes(1)))
    func aRejectedRecipientIsPermanentForTheMessage() async throws {
        let server = try await SMTPPeer(["--reject", "nobody@example.test"])
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }
        let smarthost = Self.smarthost(server.url)

        let outcome = await smarthost.send(
            Self.message, to: ["citizen@example.test", "nobody@example.test"], using: transport)

        #expect(
            outcome
                == .permanent(error: "recipient (RCPT TO) refused: 550 5.1.1 <nobody@example.test>: no such user here"))
        #expect(try server.messages().isEmpty)

        // The smarthost stays usable for the next message.
        let next = await smarthost.send(Self.message, to: ["citizen@example.test"], using: transport)
        #expect(next == .sent(detail: "250 2.0.0 Ok: queued as 0001"))
    }

    @Test(.timeLimit(.minutes(1)))
    func aSmarthostThatIsDownIsADestinationFailure() async throws {
        let closed = try ClosedPort()
        defer { closed.release() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let outcome = await Self.smarthost("smtp://127.0.0.1:\(closed.port)").send(
            Self.message, to: ["citizen@example.test"], using: transport)

        guard case .destinationFailed(let error, _) = outcome else {
            Issue.record("expected destinationFailed, got \(outcome)")
            return
        }
        #expect(error.contains("127.0.0.1"))
    }

    @Test(.timeLimit(.minutes(1)))
    func refusedCredentialsAreADestinationFailureWithoutThePassword() async throws {
        let server = try await SMTPPeer(["--auth-reject"])
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }
        let smarthost = Self.smarthost(server.url, password: "pa55-SECRET-word", requireTLS: false)

        let outcome = await smarthost.send(Self.message, to: ["citizen@example.test"], using: transport)

        #expect(
            outcome
                == .destinationFailed(
                    error: "authentication refused: 535 5.7.8 Authentication credentials invalid", retryAfter: nil))
        #expect(!"\(outcome)".contains("SECRET"))
        #expect(!"\(smarthost)".contains("SECRET"))
    }

    @Test(.timeLimit(.minutes(1)))
    func aRequiredSTARTTLSThatIsNotOfferedIsADestinationFailure() async throws {
        let server = try await SMTPPeer()
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }
        // A password makes STARTTLS required by default.
        let smarthost = Self.smarthost(server.url, password: "pa55-SECRET-word")
        #expect(smarthost.requireTLS)

        let outcome = await smarthost.send(Self.message, to: ["citizen@example.test"], using: transport)

        #expect(
            outcome
                == .destinationFailed(
                    error: "STARTTLS is required but the server does not offer it", retryAfter: nil))
        #expect(try server.messages().isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func aGreetingOf421IsADestinationFailure() async throws {
        let server = try await SMTPPeer(["--greeting-421"])
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let outcome = await Self.smarthost(server.url).send(
            Self.message, to: ["citizen@example.test"], using: transport)

        #expect(
            outcome
                == .destinationFailed(
                    error: "SMTP greeting refused: 421 4.3.2 service not available, closing channel", retryAfter: nil))
    }

    @Test(.timeLimit(.minutes(1)))
    func onlySMTPIsSpoken() async throws {
        let transport = try CurlTransport()
        defer { transport.stop() }

        let outcome = await Self.smarthost("http://127.0.0.1:1/").send(
            Self.message, to: ["citizen@example.test"], using: transport)

        guard case .destinationFailed = outcome else {
            Issue.record("expected destinationFailed, got \(outcome)")
            return
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aRecipientThatCouldChangeTheCommandIsPermanent() async throws {
        let transport = try CurlTransport()
        defer { transport.stop() }

        let outcome = await Self.smarthost("smtp://127.0.0.1:1").send(
            Self.message, to: ["a@b.test>\r\nRCPT TO:<c@d.test"], using: transport)

        #expect(outcome == .permanent(error: "a recipient is not a plain address"))
    }
    // MARK: TLS: opportunistic STARTTLS, the smarthost's own CA

    static let unverifiedCA =
        "the smarthost's TLS certificate could not be verified (unable to get local issuer certificate): set smtp_ca_bundle to the CA that signed it"

    @Test(.timeLimit(.minutes(1)))
    func aSmarthostOfferingSTARTTLSGetsMailOverTLSWithoutAPassword() async throws {
        let ca = try await TestCertificateAuthority()
        defer { ca.remove() }
        let server = try await SMTPPeer(["--starttls", ca.serverCertificatePath, ca.serverKeyPath])
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let outcome = await Self.smarthost(server.url, caBundle: ca.caPath).send(
            Self.message, to: ["citizen@example.test"], using: transport)

        #expect(outcome == .sent(detail: "250 2.0.0 Ok: queued as 0001"))
        let messages = try server.messages()
        try #require(messages.count == 1)
        #expect(messages[0].tls == "TLSv1.3", "addresses and text must not travel in clear when TLS is offered")
    }

    @Test(.timeLimit(.minutes(1)))
    func aSmarthostCertificateFromAnUnknownCAFailsNamingSmtpCABundle() async throws {
        let ca = try await TestCertificateAuthority()
        defer { ca.remove() }
        let server = try await SMTPPeer(["--starttls", ca.serverCertificatePath, ca.serverKeyPath])
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        // No password, TLS not required: STARTTLS is still used, and an unverifiable certificate stops it.
        let outcome = await Self.smarthost(server.url).send(
            Self.message, to: ["citizen@example.test"], using: transport)

        #expect(outcome == .destinationFailed(error: Self.unverifiedCA, retryAfter: nil))
        #expect(try server.messages().isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func theWebhooksCABundleIsNotTheSmarthostsAndTheSmarthostsIsNotTheWebhooks() async throws {
        let ca = try await TestCertificateAuthority()
        defer { ca.remove() }
        let server = try await SMTPPeer(["--starttls", ca.serverCertificatePath, ca.serverKeyPath])
        defer { server.stop() }

        // The transport trusts the test CA for HTTPS only: SMTP must not borrow it.
        let httpTrusting = try CurlTransport(configuration: .init(caBundlePath: ca.caPath))
        defer { httpTrusting.stop() }
        let borrowed = await Self.smarthost(server.url).send(
            Self.message, to: ["citizen@example.test"], using: httpTrusting)
        #expect(borrowed == .destinationFailed(error: Self.unverifiedCA, retryAfter: nil))

        // The transport trusts another CA for HTTPS; the smarthost's own CA is what counts for SMTP.
        let other = try await TestCertificateAuthority()
        defer { other.remove() }
        let httpOther = try CurlTransport(configuration: .init(caBundlePath: other.caPath))
        defer { httpOther.stop() }
        let own = await Self.smarthost(server.url, caBundle: ca.caPath).send(
            Self.message, to: ["citizen@example.test"], using: httpOther)
        #expect(own == .sent(detail: "250 2.0.0 Ok: queued as 0001"))
    }

    @Test(.timeLimit(.minutes(1)))
    func aRequiredSTARTTLSWithAPasswordAuthenticatesOverTLS() async throws {
        let ca = try await TestCertificateAuthority()
        defer { ca.remove() }
        let server = try await SMTPPeer([
            "--starttls", ca.serverCertificatePath, ca.serverKeyPath, "--auth", "concertd:pa55-SECRET-word",
        ])
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let outcome = await Self.smarthost(server.url, password: "pa55-SECRET-word", caBundle: ca.caPath).send(
            Self.message, to: ["citizen@example.test"], using: transport)

        #expect(outcome == .sent(detail: "250 2.0.0 Ok: queued as 0001"))
        let messages = try server.messages()
        try #require(messages.count == 1)
        #expect(messages[0].tls != nil)
        #expect(messages[0].authenticatedAs == "concertd")
    }

    @Test(.timeLimit(.minutes(1)))
    func implicitTLSTrustsTheSmarthostsCABundle() async throws {
        let ca = try await TestCertificateAuthority()
        defer { ca.remove() }
        let server = try await SMTPPeer(["--implicit-tls", ca.serverCertificatePath, ca.serverKeyPath])
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }
        let url = "smtps://127.0.0.1:\(server.port)"

        let without = await Self.smarthost(url).send(Self.message, to: ["citizen@example.test"], using: transport)
        #expect(without == .destinationFailed(error: Self.unverifiedCA, retryAfter: nil))

        let with = await Self.smarthost(url, caBundle: ca.caPath).send(
            Self.message, to: ["citizen@example.test"], using: transport)
        #expect(with == .sent(detail: "250 2.0.0 Ok: queued as 0001"))
        #expect(try server.messages().first?.tls != nil)
    }

    @Test(.timeLimit(.minutes(1)))
    func aCertificateForAnotherNameFailsSayingSo() async throws {
        let ca = try await TestCertificateAuthority()
        defer { ca.remove() }
        let server = try await SMTPPeer(["--starttls", ca.serverCertificatePath, ca.serverKeyPath])
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        // The certificate names 127.0.0.1 only.
        let outcome = await Self.smarthost("smtp://localhost:\(server.port)", caBundle: ca.caPath).send(
            Self.message, to: ["citizen@example.test"], using: transport)

        guard case .destinationFailed(let error, _) = outcome else {
            Issue.record("expected destinationFailed, got \(outcome)")
            return
        }
        #expect(error.hasPrefix("the smarthost's TLS certificate is not for the host in smtp_url"), "\(error)")
        #expect(try server.messages().isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func aPlainSmarthostStillGetsMailWhenTLSIsNotRequired() async throws {
        let server = try await SMTPPeer()
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        for requireTLS in [nil, false] as [Bool?] {
            let outcome = await Self.smarthost(server.url, requireTLS: requireTLS).send(
                Self.message, to: ["citizen@example.test"], using: transport)
            guard case .sent = outcome else {
                Issue.record("requireTLS \(String(describing: requireTLS)): \(outcome)")
                continue
            }
        }
        #expect(try server.messages().map(\.tls) == [nil, nil])
    }
}

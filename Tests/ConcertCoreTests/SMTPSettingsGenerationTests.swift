import Foundation
import Testing

@testable import ConcertCore

/// New SMTP settings (a reload) are not bypassed by a connection libcurl keeps open from before:
/// a transport whose settings began after a connection was opened does not reuse it.
@Suite struct SMTPSettingsGenerationTests {
    @Test(.timeLimit(.minutes(1)))
    func aNewCABundleIsAppliedThoughAVerifiedConnectionIsStillOpen() async throws {
        let ca = try await TestCertificateAuthority()
        defer { ca.remove() }
        let other = try await TestCertificateAuthority()
        defer { other.remove() }
        let server = try await SMTPPeer(["--starttls", ca.serverCertificatePath, ca.serverKeyPath])
        defer { server.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let first = await SmarthostTests.smarthost(server.url, caBundle: ca.caPath).send(
            SmarthostTests.message, to: ["citizen@example.test"], using: transport)
        #expect(first == .sent(detail: "250 2.0.0 Ok: queued as 0001"))

        // Reloaded with a CA that did not sign the smarthost's certificate.
        var reloaded = SmarthostTests.smarthost(server.url, caBundle: other.caPath)
        reloaded.connectionsSince = .now
        let second = await reloaded.send(SmarthostTests.message, to: ["citizen@example.test"], using: transport)
        #expect(second == .destinationFailed(error: SmarthostTests.unverifiedCA, retryAfter: nil))
        #expect(try server.messages().count == 1)

        // Without a new generation the open connection is reused, as between two sends.
        let again = SmarthostTests.smarthost(server.url, caBundle: ca.caPath)
        let third = await again.send(SmarthostTests.message, to: ["citizen@example.test"], using: transport)
        #expect(third == .sent(detail: "250 2.0.0 Ok: queued as 0002"))
    }

    @Test func connectionsOpenedBeforeTheSettingsAreNeverReused() {
        let start = ContinuousClock.now
        #expect(MailConnectionReuse(since: nil, now: start) == .any)
        #expect(MailConnectionReuse(since: start, now: start) == .fresh)
        #expect(MailConnectionReuse(since: start, now: start + .milliseconds(1999)) == .fresh)
        // libcurl compares whole seconds of age: a connection opened just before `since` is at
        // least ⌊elapsed⌋ seconds old, so the limit is one less.
        #expect(MailConnectionReuse(since: start, now: start + .milliseconds(2000)) == .openedWithin(seconds: 1))
        #expect(MailConnectionReuse(since: start, now: start + .seconds(3600.7)) == .openedWithin(seconds: 3599))
    }
}

import Foundation
import Testing

@testable import ConcertCore

/// What the configuration names on this machine is looked up when it is read: a missing
/// or certificate-less CA bundle, or a control group that does not exist, is refused at start and
/// reload and by check-config, not found out by every send or a later step of the start.
@Suite(.timeLimit(.minutes(1)))
struct ConfigurationSystemLookupTests {
    static let pem = """
        -----BEGIN CERTIFICATE-----
        MIIBfzCCASWgAwIBAgIUJ0hR
        -----END CERTIFICATE-----

        """

    @Test(arguments: ["smtp_ca_bundle", "http_ca_bundle"])
    func aMissingOrCertificateLessBundleIsRefusedOnItsLine(key: String) throws {
        let directory = try TemporaryDirectory()
        let notPEM = try directory.write("not-pem.txt", "just text\n", permissions: 0o644)
        #expect(
            problems(loading: "log_level = info\n\(key) = \(directory.path)/absent.pem\n") == [
                "/etc/concertd/concertd.conf:2: key '\(key)': cannot read the CA bundle \(directory.path)/absent.pem: no such file"
            ])
        #expect(
            problems(loading: "\(key) = \(notPEM)\n") == [
                "/etc/concertd/concertd.conf:1: key '\(key)': the CA bundle \(notPEM) holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
            ])
    }

    @Test func aReadableBundleIsKeptForItsOwnTransfers() throws {
        let directory = try TemporaryDirectory()
        let smtpCA = try directory.write("smtp-ca.pem", Self.pem, permissions: 0o644)
        let httpCA = try directory.write("http-ca.pem", Self.pem, permissions: 0o644)
        let c = try ConfigurationLoader(environment: [:]).load(
            contents: "smtp_ca_bundle = \(smtpCA)\nhttp_ca_bundle = \(httpCA)\n", file: "c.conf")
        #expect(c.smtpCABundle == smtpCA)
        #expect(c.httpCABundle == httpCA)
    }
    @Test func theWebhooksBundleTakesEffectAtTheNextStartAndTheSmarthostsAtReload() {
        // The one libcurl transport is made at start; the email channel, with its bundle, at every reload.
        var changed = DaemonConfiguration()
        changed.httpCABundle = "/etc/concertd/webhooks-ca.pem"
        changed.smtpCABundle = "/etc/concertd/smarthost-ca.pem"
        changed.httpMaxResponseBytes = 1024
        #expect(
            DaemonConfiguration().keysRequiringRestart(toBecome: changed) == [
                "http_ca_bundle", "http_max_response_bytes",
            ])
    }

    @Test func aSocketGroupThatDoesNotExistIsRefusedOnItsLine() {
        #expect(problems(loading: "socket_group = root\n") == [])
        #expect(
            problems(loading: "log_level = info\nsocket_group = no-such-group-x7\n") == [
                "/etc/concertd/concertd.conf:2: key 'socket_group': no group named 'no-such-group-x7' on this system"
            ])
    }
}

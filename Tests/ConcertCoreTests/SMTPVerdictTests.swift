import Foundation
import Testing

@testable import ConcertCore

@Suite struct SMTPVerdictTests {
    func outcome(
        _ failure: TransferFailure?, stage: SMTPStage, code: Int = 0, reply: String? = nil, message: String = ""
    ) -> Verdict {
        SMTPVerdict.verdict(failure: failure, stage: stage, code: code, lastReply: reply, message: message)
    }

    @Test(.timeLimit(.minutes(1)))
    func anAcceptedMessageIsSentWithTheServersReply() {
        #expect(
            outcome(nil, stage: .message, code: 250, reply: "250 2.0.0 Ok: queued as 12")
                == .sent(detail: "250 2.0.0 Ok: queued as 12"))
        #expect(outcome(nil, stage: .message, code: 250) == .sent(detail: "250"))
    }

    @Test(.timeLimit(.minutes(1)))
    func aTemporaryReplyToTheMessageIsRetryable() {
        #expect(
            outcome(.sendFailed, stage: .recipient, code: 451, reply: "451 4.3.0 later")
                == .retryable(error: "recipient (RCPT TO) refused: 451 4.3.0 later", retryAfter: nil))
        #expect(
            outcome(.unexpectedReply, stage: .message, code: 452, reply: "452 full")
                == .retryable(error: "message refused: 452 full", retryAfter: nil))
        #expect(
            outcome(.sendFailed, stage: .mail, code: 451, reply: "451 local error")
                == .retryable(error: "envelope sender (MAIL FROM) refused: 451 local error", retryAfter: nil))
    }

    @Test(.timeLimit(.minutes(1)))
    func aPermanentReplyToARecipientOrTheMessageIsPermanent() {
        #expect(
            outcome(.sendFailed, stage: .recipient, code: 550, reply: "550 5.1.1 no such user")
                == .permanent(error: "recipient (RCPT TO) refused: 550 5.1.1 no such user"))
        #expect(
            outcome(.unexpectedReply, stage: .message, code: 554, reply: "554 spam")
                == .permanent(error: "message refused: 554 spam"))
        #expect(
            outcome(.sendFailed, stage: .data, code: 554, reply: "554 no") == .permanent(error: "DATA refused: 554 no"))
        #expect(
            outcome(.sendFailed, stage: .mail, code: 552, reply: "552 too big")
                == .permanent(error: "envelope sender (MAIL FROM) refused: 552 too big"))
    }

    @Test(.timeLimit(.minutes(1)))
    func failuresOfTheSmarthostAreDestinationFailures() {
        let cases: [(TransferFailure, SMTPStage, Int)] = [
            (.couldNotConnect, .connect, 0),
            (.couldNotResolve, .connect, 0),
            (.tls, .connect, 0),
            (.tls, .startTLS, 220),
            (.tlsUnavailable, .hello, 250),
            (.loginDenied, .auth, 535),
            (.unexpectedReply, .greeting, 421),
            (.unexpectedReply, .hello, 502),
            (.sendFailed, .recipient, 421),
            (.sendFailed, .mail, 553),
            (.timedOut, .message, 354),
            (.connectionLost, .recipient, 250),
            (.sendFailed, .recipient, 250),
            (.sendFailed, .auth, 535),
            (.refusedURL, .connect, 0),
        ]
        for (failure, stage, code) in cases {
            let verdict = outcome(failure, stage: stage, code: code, message: "failed")
            guard case .destinationFailed = verdict else {
                Issue.record("\(failure) at \(stage) with \(code) gave \(verdict)")
                continue
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aMessageTheSenderCouldNotHandOverIsPermanent() {
        #expect(
            outcome(.invalidRequest, stage: .connect, message: "a recipient is not a plain address")
                == .permanent(error: "a recipient is not a plain address"))
    }

    @Test(.timeLimit(.minutes(1)))
    func authFailureNamesTheReplyButNoCredentials() {
        let verdict = outcome(
            .loginDenied, stage: .auth, code: 535, reply: "535 5.7.8 Authentication credentials invalid")
        #expect(
            verdict
                == .destinationFailed(
                    error: "authentication refused: 535 5.7.8 Authentication credentials invalid", retryAfter: nil))
    }
    @Test(.timeLimit(.minutes(1)))
    func aTLSFailureSaysWhatToSet() {
        func tls(_ message: String) -> Verdict { outcome(.tls, stage: .startTLS, code: 220, message: message) }
        #expect(
            tls("SSL certificate problem: unable to get local issuer certificate")
                == .destinationFailed(
                    error:
                        "the smarthost's TLS certificate could not be verified (unable to get local issuer certificate): set smtp_ca_bundle to the CA that signed it",
                    retryAfter: nil))
        #expect(
            tls("SSL certificate problem: self-signed certificate")
                == .destinationFailed(
                    error:
                        "the smarthost's TLS certificate could not be verified (self-signed certificate): set smtp_ca_bundle to the CA that signed it",
                    retryAfter: nil))
        // Not a question of CAs: no advice to set smtp_ca_bundle.
        #expect(
            tls("SSL certificate problem: certificate has expired")
                == .destinationFailed(
                    error: "the smarthost's TLS certificate could not be verified (certificate has expired)",
                    retryAfter: nil))
        #expect(
            tls("SSL: no alternative certificate subject name matches target host name 'mail.example.org'")
                == .destinationFailed(
                    error:
                        "the smarthost's TLS certificate is not for the host in smtp_url (SSL: no alternative certificate subject name matches target host name 'mail.example.org'): write in smtp_url the host name the certificate was issued for",
                    retryAfter: nil))
        #expect(
            tls("error setting certificate file: /etc/concertd/ca.pem")
                == .destinationFailed(
                    error:
                        "the CA bundle for the smarthost (smtp_ca_bundle) cannot be used (error setting certificate file: /etc/concertd/ca.pem)",
                    retryAfter: nil))
        #expect(
            tls("OpenSSL SSL_connect: SSL_ERROR_SYSCALL")
                == .destinationFailed(
                    error: "TLS with the smarthost failed: OpenSSL SSL_connect: SSL_ERROR_SYSCALL", retryAfter: nil))
    }
}

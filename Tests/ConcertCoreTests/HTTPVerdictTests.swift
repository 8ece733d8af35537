import Foundation
import Testing

@testable import ConcertCore

@Suite struct HTTPVerdictTests {
    let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT

    func outcome(_ status: Int, retryAfter: String? = nil, body: String = "") -> Verdict {
        HTTPVerdict.verdict(
            of: TransferResult(failure: nil, responseCode: status, retryAfter: retryAfter, body: Data(body.utf8)),
            now: now)
    }

    @Test(.timeLimit(.minutes(1)))
    func twoHundredsAreSent() {
        #expect(outcome(200) == .sent(detail: "HTTP 200"))
        #expect(outcome(204) == .sent(detail: "HTTP 204"))
    }

    @Test(.timeLimit(.minutes(1)))
    func throttlingAndServerErrorsAreRetryableWithTheirDelay() {
        #expect(outcome(429, retryAfter: "2") == .retryable(error: "HTTP 429", retryAfter: 2))
        #expect(
            outcome(503, retryAfter: "Wed, 21 Oct 2015 07:29:00 GMT") == .retryable(error: "HTTP 503", retryAfter: 60))
        #expect(outcome(500, body: "oops\n  again") == .retryable(error: "HTTP 500: oops again", retryAfter: nil))
        #expect(outcome(408) == .retryable(error: "HTTP 408", retryAfter: nil))
        #expect(outcome(425) == .retryable(error: "HTTP 425", retryAfter: nil))
        #expect(outcome(429, retryAfter: "later") == .retryable(error: "HTTP 429", retryAfter: nil))
    }

    @Test(.timeLimit(.minutes(1)))
    func goneIsGoneAndOtherClientErrorsArePermanent() {
        #expect(outcome(410) == .gone(error: "HTTP 410"))
        #expect(outcome(400, body: "invalid_payload") == .permanent(error: "HTTP 400: invalid_payload"))
        #expect(outcome(404) == .permanent(error: "HTTP 404"))
        #expect(outcome(301) == .permanent(error: "HTTP 301 (redirects are not followed)"))
    }

    @Test(.timeLimit(.minutes(1)))
    func aQuotedBodyIsOneShortLine() {
        let long = String(repeating: "가", count: 500)
        guard case .permanent(let error) = outcome(400, body: "\u{1}" + long) else {
            Issue.record("not permanent")
            return
        }
        #expect(error == "HTTP 400: " + String(repeating: "가", count: HTTPVerdict.quotedBodyLimit))
    }

    @Test(.timeLimit(.minutes(1)))
    func networkFailuresAreRetryable() {
        for failure in [TransferFailure.couldNotResolve, .couldNotConnect, .timedOut, .tls, .connectionLost, .other] {
            let result = TransferResult(failure: failure, curlCode: 7, message: "it failed")
            #expect(HTTPVerdict.verdict(of: result, now: now) == .retryable(error: "it failed", retryAfter: nil))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aRefusedURLOrRequestIsPermanent() {
        for failure in [TransferFailure.refusedURL, .invalidRequest] {
            let result = TransferResult(failure: failure, curlCode: 1, message: "no")
            #expect(HTTPVerdict.verdict(of: result, now: now) == .permanent(error: "no"))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aResponseCutForSizeKeepsItsStatus() {
        let result = TransferResult(failure: .responseTooLarge, curlCode: 23, message: "big", responseCode: 200)
        #expect(HTTPVerdict.verdict(of: result, now: now) == .sent(detail: "HTTP 200"))
    }
}

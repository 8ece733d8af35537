import Foundation
import Testing

@testable import ConcertCore

@Suite struct RetryAfterTests {
    let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT

    @Test(.timeLimit(.minutes(1)))
    func delaySecondsAreReadAsSeconds() {
        #expect(RetryAfter.seconds(from: "120", now: now) == 120)
        #expect(RetryAfter.seconds(from: " 0 ", now: now) == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func anHTTPDateBecomesTheDelayFromNow() {
        #expect(RetryAfter.seconds(from: "Wed, 21 Oct 2015 07:28:30 GMT", now: now) == 30)
        #expect(RetryAfter.seconds(from: "Wednesday, 21-Oct-15 07:29:00 GMT", now: now) == 60)
        #expect(RetryAfter.seconds(from: "Wed Oct 21 07:28:05 2015", now: now) == 5)
        #expect(RetryAfter.seconds(from: "Sun Nov  6 08:49:37 1994", now: now) == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func aDateInThePastMeansNow() {
        #expect(RetryAfter.seconds(from: "Tue, 20 Oct 2015 07:28:00 GMT", now: now) == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func longDelaysAreCappedAtOneDay() {
        #expect(RetryAfter.seconds(from: "999999999999999999999999", now: now) == RetryAfter.maximum)
        #expect(RetryAfter.seconds(from: "Thu, 21 Oct 2100 07:28:00 GMT", now: now) == RetryAfter.maximum)
    }

    @Test(.timeLimit(.minutes(1)))
    func anythingElseIsIgnored() {
        for value in ["", "soon", "-5", "1.5", "12 seconds", "Wed, 32 Oct 2015 07:28:00 GMT"] {
            #expect(RetryAfter.seconds(from: value, now: now) == nil, "\(value)")
        }
    }
}

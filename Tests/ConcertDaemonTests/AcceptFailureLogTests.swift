import Foundation
import Glibc
import Testing

@testable import ConcertDaemon

/// The accept loop out of descriptors retries every 100 ms; the journal gets at most one error line
/// a minute and one notice when clients are accepted again.
@Suite(.timeLimit(.minutes(1))) struct AcceptFailureLogTests {
    let start = ContinuousClock.now

    func at(_ milliseconds: Int) -> ContinuousClock.Instant { start + .milliseconds(milliseconds) }

    @Test func theFirstFailureIsSaidAndTheRetriesEveryTenthOfASecondAreNot() {
        var log = AcceptFailureLog()
        #expect(log.failed(errno: EMFILE, at: start) == .first(errno: EMFILE))
        for tenth in 1..<600 {
            #expect(log.failed(errno: EMFILE, at: at(100 * tenth)) == nil, "retry \(tenth)")
        }
    }

    @Test func aLongRunOfFailuresIsSummedUpOnceAMinute() {
        var log = AcceptFailureLog()
        _ = log.failed(errno: EMFILE, at: start)
        var lines: [AcceptFailureLog.Line] = []
        for tenth in 1...1500 {
            if let line = log.failed(errno: EMFILE, at: at(100 * tenth)) { lines.append(line) }
        }
        #expect(
            lines == [
                .stillFailing(errno: EMFILE, failures: 600, seconds: 60),
                .stillFailing(errno: EMFILE, failures: 600, seconds: 60),
            ])
    }

    @Test func acceptingAgainIsSaidOnceWithTheRunsTotals() {
        var log = AcceptFailureLog()
        #expect(log.accepted(at: start) == nil, "nothing to say when nothing failed")
        _ = log.failed(errno: EMFILE, at: start)
        _ = log.failed(errno: EMFILE, at: at(100))
        _ = log.failed(errno: EMFILE, at: at(200))
        #expect(log.accepted(at: at(2500)) == .recovered(failures: 3, seconds: 2))
        #expect(log.accepted(at: at(3000)) == nil)
    }

    @Test func aServerFlappingAtItsLimitSaysItOnceAMinuteNotAtEachFlap() {
        var log = AcceptFailureLog()
        var lines: [AcceptFailureLog.Line] = []
        // A failure and an accepted client every half second for 90 s.
        for half in 0..<180 {
            if let line = log.failed(errno: EMFILE, at: at(500 * half)) { lines.append(line) }
            if let line = log.accepted(at: at(500 * half + 250)) { lines.append(line) }
        }
        #expect(
            lines == [
                .first(errno: EMFILE), .recovered(failures: 1, seconds: 0),
                .stillFailing(errno: EMFILE, failures: 120, seconds: 60), .recovered(failures: 1, seconds: 0),
            ])
    }

    @Test func aNewRunAfterAQuietMinuteIsSaidAfresh() {
        var log = AcceptFailureLog()
        _ = log.failed(errno: EMFILE, at: start)
        _ = log.accepted(at: at(1000))
        #expect(log.failed(errno: ENFILE, at: at(70_000)) == .first(errno: ENFILE))
    }
}

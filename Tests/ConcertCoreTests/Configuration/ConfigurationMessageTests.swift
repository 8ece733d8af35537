import Foundation
import Testing

@testable import ConcertCore

/// Messages that must not leave the operator guessing: which value is a default they never set,
/// and what a `#` after a value does.
@Suite struct ConfigurationMessageTests {
    @Test func aRuleBrokenByADefaultSaysItIsTheDefaultAndWhatToSet() {
        #expect(
            problems(loading: "max_in_flight = 4\n") == [
                "/etc/concertd/concertd.conf:1: key 'max_in_flight': max_in_flight_per_destination (8, the default: not set) is more than max_in_flight (4): set max_in_flight_per_destination = 4 or less"
            ])
        #expect(
            problems(loading: "max_in_flight_per_destination = 100\n") == [
                "/etc/concertd/concertd.conf:1: key 'max_in_flight_per_destination': max_in_flight_per_destination (100) is more than max_in_flight (64, the default: not set): set max_in_flight = 100 or more, or lower max_in_flight_per_destination"
            ])
        #expect(
            problems(loading: "max_in_flight = 4\nmax_in_flight_per_destination = 6\n") == [
                "/etc/concertd/concertd.conf:2: key 'max_in_flight_per_destination': max_in_flight_per_destination (6) is more than max_in_flight (4): lower max_in_flight_per_destination or raise max_in_flight"
            ])
    }

    @Test func everyRuleBetweenTwoKeysNamesTheDefaultItCompares() {
        #expect(
            problems(loading: "retry_max = 10s\n") == [
                "/etc/concertd/concertd.conf:1: key 'retry_max': retry_initial (30s, the default: not set) is longer than retry_max (10s): set retry_initial = 10s or less"
            ])
        #expect(
            problems(loading: "http_timeout = 5s\n") == [
                "/etc/concertd/concertd.conf:1: key 'http_timeout': http_connect_timeout (10s, the default: not set) is longer than http_timeout (5s): set http_connect_timeout = 5s or less"
            ])
        #expect(
            problems(loading: "smtp_connect_timeout = 2m\n") == [
                "/etc/concertd/concertd.conf:1: key 'smtp_connect_timeout': smtp_connect_timeout (2m) is longer than smtp_timeout (1m, the default: not set): set smtp_timeout = 2m or more, or lower smtp_connect_timeout"
            ])
    }

    @Test func aCommentAfterAValueIsExplainedWhereItBreaksTheValue() {
        #expect(
            problems(loading: "log_level = debug # verbose\n") == [
                "/etc/concertd/concertd.conf:1: key 'log_level': 'debug # verbose' is not a log level: use one of trace, debug, info, notice, warning, error, critical; comments must be on their own line: '#' after a value is part of the value"
            ])
        let watchdog = problems(loading: "watchdog = off  # not under systemd\n")
        #expect(watchdog.count == 1)
        #expect(
            watchdog.first?.hasSuffix("comments must be on their own line: '#' after a value is part of the value")
                == true)
    }

    @Test func aCommentAfterAPasswordBearingValueIsExplainedWithoutRepeatingIt() {
        let found = problems(loading: "smtp_url = smtp://user:hunter2@mail.example.org # relay\n")
        #expect(found.count == 1)
        #expect(found.first?.contains("hunter2") == false)
    }
}

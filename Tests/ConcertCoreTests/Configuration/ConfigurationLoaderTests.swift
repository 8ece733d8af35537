import Foundation
import Logging
import Testing

@testable import ConcertCore

@Suite(.timeLimit(.minutes(1)))
struct ConfigurationLoaderTests {
    let file = "/etc/concertd/concertd.conf"

    @Test func emptyFileYieldsTheBuiltInDefaults() throws {
        let configuration = try ConfigurationLoader(environment: [:]).load(contents: "", file: file)
        #expect(configuration == DaemonConfiguration())
    }

    @Test func commentsBlankLinesQuotesAndEveryValueKindAreRead() throws {
        let directory = try TemporaryDirectory()
        let bundle = try directory.write("with space.pem", ConfigurationSystemLookupTests.pem, permissions: 0o644)
        let text = """
            # a comment
              # an indented comment

            state_directory = /srv/concertd
            socket_group = root
            log_level = debug
            watchdog = off
            confirmations = no
            max_in_flight = 128
            shutdown_grace = 1500ms
            retry_initial = 5m
            retry_max = 2h
            default_reminders = 1d, 7d,3h
            default_language = en
            smtp_url = smtps://me%40example.org@mail.example.org
            mail_from = "스마트시티 알림 <reminders@example.org>"
            mail_from_name =
            unsubscribe_mailto = unsubscribe@example.org
            unsubscribe_url_template = https://example.org/unsubscribe?id={subscription}
            http_ca_bundle = "\(bundle)"
            """
        let environment = ["SMTP_PASSWORD": "pw"]
        let c = try ConfigurationLoader(environment: environment)
            .load(contents: text + "\nsmtp_password_env = SMTP_PASSWORD\n", file: file)
        #expect(c.stateDirectory == "/srv/concertd")
        #expect(c.socketGroup == "root")
        #expect(c.logLevel == .debug)
        #expect(c.watchdog == false)
        #expect(c.confirmations == false)
        #expect(c.maxInFlight == 128)
        #expect(c.shutdownGrace == .milliseconds(1500))
        #expect(c.retryInitial == .seconds(300))
        #expect(c.retryMax == .seconds(7200))
        #expect(c.defaultReminders.map(\.description) == ["7d", "1d", "3h"])
        #expect(c.defaultLanguage == .en)
        #expect(c.smtpURL == SMTPURL(implicitTLS: true, user: "me@example.org", host: "mail.example.org"))
        #expect(c.mailFrom == Mailbox(displayName: "스마트시티 알림", address: "reminders@example.org"))
        #expect(c.mailFromName == nil)
        #expect(c.unsubscribeURLTemplate == "https://example.org/unsubscribe?id={subscription}")
        #expect(c.httpCABundle == bundle)
        #expect(c.smtpRequiresTLS)
    }

    @Test func unknownKeyNamesFileLineAndKeyAndSuggestsTheKeyMeant() {
        let found = problems(loading: "log_level = info\nmax-in-flight = 3\n")
        #expect(
            found == ["/etc/concertd/concertd.conf:2: key 'max-in-flight': unknown key; did you mean 'max_in_flight'?"])
    }

    @Test func aPasswordKeyIsRefusedWithoutRepeatingItsValue() {
        let found = problems(loading: "smtp_password = hunter2\n")
        #expect(found.count == 1)
        #expect(
            found[0].hasPrefix(
                "/etc/concertd/concertd.conf:1: key 'smtp_password': unknown key; a password is never written"))
        #expect(!found[0].contains("hunter2"))
    }

    @Test func badDurationNamesFileLineAndKey() {
        #expect(
            problems(loading: "\nshutdown_grace = 10 seconds\n") == [
                "/etc/concertd/concertd.conf:2: key 'shutdown_grace': '10 seconds' is not a duration: write a whole number and a unit, such as 500ms, 30s, 5m, 2h or 1d"
            ])
        #expect(
            problems(loading: "retry_initial = 0s\n") == [
                "/etc/concertd/concertd.conf:1: key 'retry_initial': 0s is out of range: use 1s to 1d"
            ])
    }

    @Test func badURLNamesFileLineAndKey() {
        #expect(
            problems(loading: "mail_from = a@example.org\nsmtp_url = https://mail.example.org\n") == [
                "/etc/concertd/concertd.conf:2: key 'smtp_url': the scheme 'https' is not smtp or smtps: write smtp://[user@]host[:port] or smtps://…"
            ])
        #expect(
            problems(loading: "smtp_url = smtp://mail.example.org:99999\n") == [
                "/etc/concertd/concertd.conf:1: key 'smtp_url': the port '99999' is not a number from 1 to 65535"
            ])
        #expect(
            problems(
                loading: "unsubscribe_mailto = u@example.org\nunsubscribe_url_template = http://x.org/{subscription}")
                == [
                    "/etc/concertd/concertd.conf:2: key 'unsubscribe_url_template': the template must be an https:// URL with a host"
                ])
    }

    @Test func passwordInsideTheSMTPURLIsRefusedWithoutRepeatingIt() {
        let found = problems(loading: "smtp_url = smtp://me:s3cret-pw@mail.example.org:587\n")
        #expect(found.count == 1)
        #expect(
            found[0].hasPrefix("/etc/concertd/concertd.conf:1: key 'smtp_url': the URL must not contain a password"))
        #expect(!found[0].contains("s3cret-pw"))
    }

    @Test func badAddressNamesFileLineAndKey() {
        #expect(
            problems(loading: "reply_to = Team <team@localhost>\n") == [
                "/etc/concertd/concertd.conf:1: key 'reply_to': the domain 'localhost' has no dot: use a full domain name"
            ])
        #expect(
            problems(loading: "mail_envelope_from = bounces at example.org\n") == [
                "/etc/concertd/concertd.conf:1: key 'mail_envelope_from': 'bounces at example.org' contains spaces, control or non-ASCII characters"
            ])
    }

    @Test func badIntegerNamesFileLineAndKey() {
        #expect(
            problems(loading: "max_in_flight = 6four\n") == [
                "/etc/concertd/concertd.conf:1: key 'max_in_flight': '6four' is not a whole number"
            ])
        #expect(
            problems(loading: "max_in_flight = 0\n") == [
                "/etc/concertd/concertd.conf:1: key 'max_in_flight': 0 is out of range: use 1 to 10000"
            ])
    }

    @Test func aCommentAfterAValueIsPartOfTheValueAndSoAnError() {
        #expect(
            problems(loading: "max_in_flight = 64 # more\n") == [
                "/etc/concertd/concertd.conf:1: key 'max_in_flight': '64 # more' is not a whole number; comments must be on their own line: '#' after a value is part of the value"
            ])
    }

    @Test func duplicateKeyNamesBothLines() {
        #expect(
            problems(loading: "log_level = info\n\nlog_level = debug\n") == [
                "/etc/concertd/concertd.conf:3: key 'log_level': set twice (first on line 1); keep one of the two lines"
            ])
    }

    @Test func missingEqualsNamesFileLineAndKey() {
        #expect(
            problems(loading: "# header\nsmtp_url smtp://mail.example.org\n") == [
                "/etc/concertd/concertd.conf:2: key 'smtp_url': missing '=': write 'smtp_url = value'"
            ])
    }

    @Test func emptyValueOfAKeyWithADefaultIsAnError() {
        #expect(
            problems(loading: "shutdown_grace =\n") == [
                "/etc/concertd/concertd.conf:1: key 'shutdown_grace': needs a value; delete the line to keep the default (10s)"
            ])
    }

    @Test func sectionsAndUnclosedQuotesAreRefused() {
        #expect(
            problems(loading: "[smtp]\nmail_from_name = \"Concerts\n") == [
                "/etc/concertd/concertd.conf:1: sections are not used in this file: write 'key = value' lines only",
                "/etc/concertd/concertd.conf:2: key 'mail_from_name': the quoted value has no closing quote",
            ])
    }

    @Test func everyProblemIsReportedNotJustTheFirst() {
        let text = """
            max_in_flight = many
            smtp_url = smtp://mail.example.org
            bogus = 1
            http_timeout = 1s
            http_connect_timeout = 5s
            log_level = loud
            """
        #expect(
            problems(loading: text) == [
                "/etc/concertd/concertd.conf:1: key 'max_in_flight': 'many' is not a whole number",
                "/etc/concertd/concertd.conf:3: key 'bogus': unknown key (the shipped concertd.conf lists every key)",
                "/etc/concertd/concertd.conf:6: key 'log_level': 'loud' is not a log level: use one of trace, debug, info, notice, warning, error, critical",
                "/etc/concertd/concertd.conf:2: key 'smtp_url': mail_from is required when smtp_url is set (the From address of every email)",
                "/etc/concertd/concertd.conf:5: key 'http_connect_timeout': http_connect_timeout (5s) is longer than http_timeout (1s): lower http_connect_timeout or raise http_timeout",
            ])
    }

    @Test func rulesAcrossKeysNameTheKeyThatBreaksThem() {
        #expect(
            problems(loading: "max_in_flight = 4\n") == [
                "/etc/concertd/concertd.conf:1: key 'max_in_flight': max_in_flight_per_destination (8, the default: not set) is more than max_in_flight (4): set max_in_flight_per_destination = 4 or less"
            ])
        #expect(
            problems(loading: "mail_from = A <a@example.org>\nmail_from_name = B\n") == [
                "/etc/concertd/concertd.conf:2: key 'mail_from_name': mail_from already has a display name; keep one of the two"
            ])
    }

    @Test func unreadableFileNamesTheFile() throws {
        let directory = try TemporaryDirectory()
        let missing = "\(directory.path)/absent.conf"
        #expect(throws: ConfigurationError.self) { try ConfigurationLoader().load(path: missing) }
        do {
            _ = try ConfigurationLoader().load(path: missing)
        } catch {
            #expect(error.lines == ["\(missing): cannot read the file: no such file"])
        }
    }

    @Test func fileTextOfAConfigurationLoadsBackToTheSameConfiguration() throws {
        var original = DaemonConfiguration()
        original.stateDirectory = "/srv/state"
        original.logLevel = .warning
        original.shutdownGrace = .milliseconds(250)
        original.defaultReminders = [ReminderOffset(seconds: 7200)]
        original.smtpURL = try SMTPURL(parsing: "smtp://mail.example.org:587")
        original.mailFrom = Mailbox(displayName: "스마트시티 알림", address: "a@example.org")
        original.mailFromName = nil
        original.socketGroup = "root"
        original.smtpRequireTLS = false
        let text = original.fileText()
        let loaded = try ConfigurationLoader(environment: [:]).load(contents: text, file: "shown")
        #expect(loaded == original)
        #expect(text.contains("mail_from = 스마트시티 알림 <a@example.org>\n"))
    }
}

/// A number or duration too large (or negative) for its key is a value out of range, said with the
/// key's range, not "not a whole number" or "not a duration".
@Suite(.timeLimit(.minutes(1)))
struct ConfigurationOutOfRangeTests {
    static let integerKeys = DaemonConfiguration.keys.filter { $0.range?.lower.last?.isNumber == true }
    static let durationKeys = DaemonConfiguration.keys.filter { $0.range?.lower.last?.isLetter == true }

    @Test func everyBoundedKeyIsTested() {
        #expect(
            Self.integerKeys.count + Self.durationKeys.count
                == DaemonConfiguration.keys.filter { $0.range != nil }.count)
        #expect(Self.integerKeys.count >= 5 && Self.durationKeys.count >= 8)
    }

    @Test(arguments: integerKeys.map(\.name))
    func aWholeNumberBeyondSixtyFourBitsIsOutOfRange(key: String) throws {
        let range = try #require(DaemonConfiguration.keys.first { $0.name == key }?.range)
        for value in ["9223372036854775808", "-9223372036854775809", "184467440737095516160000", "-1"] {
            #expect(
                problems(loading: "\(key) = \(value)\n") == [
                    "/etc/concertd/concertd.conf:1: key '\(key)': \(value) is out of range: use \(range)"
                ])
        }
    }

    @Test(arguments: durationKeys.map(\.name))
    func aDurationBeyondItsRangeIsOutOfRangeWhateverItsSize(key: String) throws {
        let range = try #require(DaemonConfiguration.keys.first { $0.name == key }?.range)
        for value in ["9223372036854775807s", "10000000000ms", "99999999999d", "-5s", "-9223372036854775808ms"] {
            #expect(
                problems(loading: "\(key) = \(value)\n") == [
                    "/etc/concertd/concertd.conf:1: key '\(key)': \(value) is out of range: use \(range)"
                ])
        }
    }

    @Test func aNumberOfThousandsOfDigitsIsNamedByItsLengthNotRepeated() {
        let digits = String(repeating: "9", count: 5000)
        #expect(
            problems(loading: "retry_max_attempts = \(digits)\n") == [
                "/etc/concertd/concertd.conf:1: key 'retry_max_attempts': a number of 5000 digits is out of range: use 1 to 1000"
            ])
        #expect(
            problems(loading: "http_timeout = \(digits)s\n") == [
                "/etc/concertd/concertd.conf:1: key 'http_timeout': a number of 5000 digits is out of range: use 100ms to 1h"
            ])
    }

    @Test func whatIsNotANumberStaysNotANumber() {
        #expect(
            problems(loading: "retry_max_attempts = 1e3\n") == [
                "/etc/concertd/concertd.conf:1: key 'retry_max_attempts': '1e3' is not a whole number"
            ])
        #expect(
            problems(loading: "http_timeout = 1.5s\n") == [
                "/etc/concertd/concertd.conf:1: key 'http_timeout': '1.5s' is not a duration: write a whole number and a unit, such as 500ms, 30s, 5m, 2h or 1d"
            ])
    }
}

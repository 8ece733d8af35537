import Foundation
import Testing

@testable import ConcertCore

@Suite(.timeLimit(.minutes(1)))
struct ConfigurationValueTests {
    @Test(arguments: [
        (
            "smtp://mail.example.org", SMTPURL(implicitTLS: false, host: "mail.example.org"),
            "smtp://mail.example.org:25"
        ),
        (
            "SMTPS://user@mail.example.org:4650/",
            SMTPURL(implicitTLS: true, user: "user", host: "mail.example.org", port: 4650),
            "smtps://mail.example.org:4650"
        ),
        (
            "smtp://me%40example.org@smtp.example.org:587",
            SMTPURL(implicitTLS: false, user: "me@example.org", host: "smtp.example.org", port: 587),
            "smtp://smtp.example.org:587"
        ),
        ("smtp://[::1]:2525", SMTPURL(implicitTLS: false, host: "::1", port: 2525), "smtp://[::1]:2525"),
        ("smtps://127.0.0.1", SMTPURL(implicitTLS: true, host: "127.0.0.1"), "smtps://127.0.0.1:465"),
    ])
    func smtpURLsAreParsedWithTheirDefaultPorts(text: String, expected: SMTPURL, connection: String) throws {
        let url = try SMTPURL(parsing: text)
        #expect(url == expected)
        #expect(url.connectionURL == connection)
        #expect(try SMTPURL(parsing: url.description) == url)
    }

    @Test(arguments: [
        "mail.example.org", "http://mail.example.org", "smtp://", "smtp://bad_host.org", "smtp://h.org:0",
        "smtp://h.org/path", "smtp://h.org?x=1", "smtp://@h.org", "smtp://[::1",
    ])
    func malformedSMTPURLsAreRefused(text: String) {
        #expect(throws: ConfigurationValueError.self) { try SMTPURL(parsing: text) }
    }

    @Test(arguments: [
        ("smtp://me:hunter2@mail.example.org:587", "smtp_password_file"),
        ("smtps://me%40example.org:hunter2@[::1]", "smtp_password_file"),
        ("postgresql://me:hunter2@db.example.org/concertd", "database_password_file"),
        ("postgresql://me:hunter2@%2Frun%2Fpostgresql/concertd", "database_password_file"),
    ])
    func aPasswordInAServerURLIsRefusedNamingThatServersKeysWithoutRepeatingIt(text: String, key: String) {
        let error = Self.refusal(ofServerURL: text)
        #expect(error?.message.contains(key) == true, "\(String(describing: error))")
        #expect(error?.message.contains("hunter2") == false)
    }

    @Test(arguments: [
        ("smtp://h.org:25:26", "is not a valid host name"), ("smtp://[::1]x", "unexpected text after"),
        ("smtp://[zz::1]", "is not an IPv6 address"), ("postgresql://[::1/c", "has no closing ']'"),
        ("postgresql://h.org:70000/c", "is not a number from 1 to 65535"),
        ("postgresql://%zz@h.org/c", "the user name before '@' is not valid percent-encoding"),
    ])
    func theHostPartOfEitherServerURLIsReadTheSameWay(text: String, expected: String) {
        let error = Self.refusal(ofServerURL: text)
        #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
    }

    /// Why `text` is refused as the smarthost's URL (`smtp…`) or the PostgreSQL server's; nil when accepted.
    private static func refusal(ofServerURL text: String) -> ConfigurationValueError? {
        do {
            if text.hasPrefix("smtp") { _ = try SMTPURL(parsing: text) } else { _ = try DatabaseURL(parsing: text) }
            return nil
        } catch {
            return error
        }
    }

    @Test func mailboxesAcceptTheDisplayNameForms() throws {
        #expect(try Mailbox(parsing: "a@example.org") == Mailbox(address: "a@example.org"))
        #expect(
            try Mailbox(parsing: "시민 토크 <a@example.org>") == Mailbox(displayName: "시민 토크", address: "a@example.org"))
        #expect(
            try Mailbox(parsing: "\"Smart, City\" <a@example.org>")
                == Mailbox(displayName: "Smart, City", address: "a@example.org"))
        #expect(try Mailbox(parsing: "<a@example.org>") == Mailbox(address: "a@example.org"))
        #expect(throws: ConfigurationValueError.self) { try Mailbox(parsing: "A <b> <a@example.org>") }
        #expect(throws: ConfigurationValueError.self) { try Mailbox(parsing: "Name <not-an-address>") }
    }

    @Test(arguments: [
        "0001-01-01T00:00Z", "9999-12-31T23:59Z", "1999-12-31T14:59:59Z", "1999-12-31", "2100-01-01",
        "2099-12-31T15:00Z", "1970-01-01T00:00+09:00",
    ])
    func aClockStartOutsideTheYearsOfConcertsIsOutOfRange(text: String) {
        let error = #expect(throws: ConfigurationValueError.self) { try ClockShift.parseStart(text) }
        #expect(
            error?.message
                == "'\(text)' is out of range: the clock may start from 2000-01-01T00:00+09:00 to 2099-12-31T23:59:59+09:00 (the years 2000 to 2099 in Korea, those of concert dates)"
        )
    }

    @Test func aClockStartAtTheEdgesOfTheYearsOfConcertsIsKept() throws {
        #expect(try KoreaTime.iso8601(ClockShift.parseStart("1999-12-31T15:00Z")) == "2000-01-01T00:00:00+09:00")
        #expect(try KoreaTime.iso8601(ClockShift.parseStart("2000-01-01")) == "2000-01-01T00:00:00+09:00")
        #expect(
            try KoreaTime.iso8601(ClockShift.parseStart("2099-12-31T23:59:59+09:00")) == "2099-12-31T23:59:59+09:00")
        #expect(try KoreaTime.iso8601(ClockShift.parseStart("2099-12-31T14:59Z")) == "2099-12-31T23:59:00+09:00")
    }

    @Test func durationsReadAndWriteTheFileSyntax() {
        #expect(Duration(configurationText: "500ms") == .milliseconds(500))
        #expect(Duration(configurationText: " 2H ") == .seconds(7200))
        #expect(Duration(configurationText: "0") == .zero)
        for bad in ["", "s", "5", "1.5s", "-3s", "5 m", "1w", "9999999999s"] {
            #expect(Duration(configurationText: bad) == nil, "\(bad)")
        }
        #expect(Duration.seconds(90).configurationText == "90s")
        #expect(Duration.seconds(3600).configurationText == "1h")
        #expect(Duration.milliseconds(1500).configurationText == "1500ms")
        #expect(Duration.zero.configurationText == "0s")
    }
}

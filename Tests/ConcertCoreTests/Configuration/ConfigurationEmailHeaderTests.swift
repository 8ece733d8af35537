import Foundation
import Testing

@testable import ConcertCore

/// Every From and Reply-To the configuration accepts gives a message that Python's `email` reads back
/// with the same names and addresses; what cannot be sent is refused by the configuration, not by
/// every message later.
@Suite(.timeLimit(.minutes(2)))
struct ConfigurationEmailHeaderTests {
    struct Form: CustomTestStringConvertible, Sendable {
        var lines: String
        var fromName: String
        var fromAddress: String
        var replyToName: String?
        var replyToAddress: String?
        var testDescription: String { lines.replacingOccurrences(of: "\n", with: " | ") }
    }

    static let base = "smtp_url = smtp://127.0.0.1:2525\n"

    static let accepted: [Form] = [
        Form(
            lines: "mail_from = alerts@example.org\nreply_to = Concert desk <desk@example.org>", fromName: "",
            fromAddress: "alerts@example.org", replyToName: "Concert desk", replyToAddress: "desk@example.org"),
        Form(
            lines: "mail_from = alerts@example.org\nreply_to = 스마트시티 문의 창구 <desk@example.org>", fromName: "",
            fromAddress: "alerts@example.org", replyToName: "스마트시티 문의 창구", replyToAddress: "desk@example.org"),
        Form(
            lines: "mail_from = alerts@example.org\nreply_to = Doe, John <desk@example.org>", fromName: "",
            fromAddress: "alerts@example.org", replyToName: "Doe, John", replyToAddress: "desk@example.org"),
        // The file's quotes around the whole value, the mailbox's quotes around the name inside.
        Form(
            lines: "mail_from = alerts@example.org\nreply_to = \"\\\"Doe, John\\\" <desk@example.org>\"",
            fromName: "", fromAddress: "alerts@example.org", replyToName: "Doe, John",
            replyToAddress: "desk@example.org"),
        Form(
            lines: "mail_from = alerts@example.org\nreply_to = desk@example.org", fromName: "",
            fromAddress: "alerts@example.org", replyToName: "", replyToAddress: "desk@example.org"),
        Form(
            lines: "mail_from = 스마트시티 토크콘서트 알림 <alerts@example.org>", fromName: "스마트시티 토크콘서트 알림",
            fromAddress: "alerts@example.org"),
        Form(
            lines: "mail_from = alerts@example.org\nmail_from_name = Smart City, Seoul (talk concerts)",
            fromName: "Smart City, Seoul (talk concerts)", fromAddress: "alerts@example.org"),
        Form(
            lines: "mail_from = O'Brien's desk: reminders; etc. @ home <alerts@example.org>",
            fromName: "O'Brien's desk: reminders; etc. @ home", fromAddress: "alerts@example.org"),
        Form(
            lines: "mail_from = alerts@example.org\nmail_from_name = =?UTF-8?B?bm90IGVuY29kZWQ=?= just text",
            fromName: "=?UTF-8?B?bm90IGVuY29kZWQ=?= just text", fromAddress: "alerts@example.org"),
        Form(
            lines: "mail_from = 🎵 콘서트, Seoul <alerts@example.org>\nreply_to = 김 \"민수\" 대신 <desk@example.org>",
            fromName: "", fromAddress: "", replyToName: nil, replyToAddress: nil),
        Form(
            lines: "mail_from = alerts@example.org\nmail_from_name = "
                + String(repeating: "서울특별시 ", count: 33),
            fromName: String(repeating: "서울특별시 ", count: 33).trimmingCharacters(in: .whitespaces),
            fromAddress: "alerts@example.org"),
        Form(
            lines: "mail_from = alerts@example.org\nreply_to = "
                + String(repeating: "A long English desk name ", count: 4) + "<desk@example.org>",
            fromName: "", fromAddress: "alerts@example.org",
            replyToName: String(repeating: "A long English desk name ", count: 4)
                .trimmingCharacters(in: .whitespaces), replyToAddress: "desk@example.org"),
    ]

    /// Loads `lines` as the daemon does and, when accepted, builds a reminder with the settings the
    /// daemon's email channel gets, and parses it with Python's `email`.
    @Test(arguments: accepted)
    func everyAcceptedFromAndReplyToIsSentAndReadBackIntact(form: Form) throws {
        let configuration: DaemonConfiguration
        do {
            configuration = try ConfigurationLoader(environment: [:]).load(
                contents: Self.base + form.lines + "\n", file: "c.conf")
        } catch {
            // Refused: it must say why, on the key's line. Only a quote inside a name is refused here.
            #expect(form.fromAddress.isEmpty, "refused: \(error)")
            #expect(
                error.lines == ["c.conf:3: key 'reply_to': the display name must not contain <, >, \" or \\"],
                "\(error)")
            return
        }
        #expect(!form.fromAddress.isEmpty, "accepted a form the table expects refused")
        let settings = try #require(configuration.emailSettings)
        let data = try EmailFixtures.build(
            EmailFixtures.message(.reminder), EmailFixtures.content(.reminder, language: .ko), settings: settings)
        let parsed = try PythonEmailPeer.parse(data)
        #expect(parsed.defects == [])
        #expect(parsed.fromAddress == form.fromAddress)
        #expect(parsed.replyTo == form.replyToAddress.map { [$0] })
        // As RFC 2047 reads it: exactly the configured name.
        #expect(parsed.fromNameRFC2047 == form.fromName)
        #expect(parsed.replyToNamesRFC2047 == form.replyToName.map { [$0] })
        // As Python's headerregistry reads it (a space between adjacent encoded words): the same
        // words, never one broken in two.
        #expect(Self.words(parsed.fromName) == Self.words(form.fromName))
        #expect(parsed.replyToNames.map { $0.map(Self.words) } == form.replyToName.map { [Self.words($0)] })
    }

    static func words(_ text: String) -> [Substring] { text.split(separator: " ") }

    @Test func aSettingTheBuilderWouldRefuseIsAProblemOfItsKey() {
        var draft = ConfigurationDraft(file: "c.conf")
        draft.origins["reply_to"] = .init(file: "c.conf", line: 4)
        draft.configuration.smtpURL = SMTPURL(implicitTLS: false, host: "127.0.0.1", port: 2525)
        draft.configuration.mailFrom = Mailbox(address: "alerts@example.org")
        draft.configuration.replyTo = Mailbox(displayName: "desk\u{7}", address: "desk@example.org")
        draft.checkConsistency()
        #expect(
            draft.problems.map(\.description) == [
                "c.conf:4: key 'reply_to': the message could not be built: reply-to name contains control characters"
            ])
    }
}

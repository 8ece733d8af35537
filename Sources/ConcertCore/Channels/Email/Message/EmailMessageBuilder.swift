import Foundation

/// Writes one outbound message as a complete Internet message (RFC 5322 with MIME), ready for an
/// SMTP transport: 7-bit ASCII bytes, CRLF line breaks, lines within 78 characters (only an
/// unbreakable token, such as an unsubscribe URI, makes a header line longer, never beyond 998).
///
/// The message is `multipart/mixed`: a `multipart/alternative` of the plain text and the HTML,
/// then the concert as an iCalendar attachment (`concert.ics`, see ``ICalendar``). Subject and
/// display names are RFC 2047 words when they are not plain ASCII. Each text part is sent in the
/// shorter of quoted-printable and base64, the rule Python's `email` package follows: mostly
/// ASCII English stays readable in quoted-printable, while Korean (three bytes a syllable, nine
/// characters each in quoted-printable) is a third smaller in base64. The calendar is base64,
/// which every client decodes for attachments.
public struct EmailMessageBuilder: Sendable {
    public var settings: EmailSettings

    public init(settings: EmailSettings) {
        self.settings = settings
    }

    /// The message's bytes, with random MIME boundaries.
    ///
    /// The alternative part (plain text and HTML) and its boundary are made once for all the
    /// deliveries that share `message.shared`; the rest (headers, calendar with the attendee) is
    /// each recipient's own. `content` must therefore be the same for all of them, as it is when
    /// rendered from the message.
    ///
    /// Throws ``EmailMessageError`` when the settings are invalid, the subscription does not
    /// deliver by email, or its address cannot be written in a header; retrying cannot help.
    public func build(_ message: OutboundMessage, content: EmailContent) throws -> Data {
        if let footer = footer(for: message) {
            // Each recipient's own links: the texts cannot be shared with other deliveries.
            return try build(
                message, content: content.ending(with: footer, language: message.subscription.language),
                boundaries: Self.randomBoundaries())
        }
        let alternative = message.shared.value("email.alternative-boundary") { Self.randomBoundaries().alternative }
        var boundaries = Self.randomBoundaries()
        boundaries.alternative = alternative
        return try build(message, content: content, boundaries: boundaries)
    }

    /// `<key@domain>`: the same for every attempt of one delivery, so a receiver can drop a repeat.
    ///
    /// The key is written as a dot-atom: characters a Message-ID cannot hold, `=`, and dots that
    /// would begin, end or double, are written as `=XX` (their UTF-8 bytes in hex), so two keys
    /// never give the same id.
    public func messageID(for delivery: Delivery) -> String {
        "<" + Self.dotAtom(delivery.idempotencyKey) + "@" + settings.messageIDDomain + ">"
    }

    /// The address the message is for: the subscription's, when it is an email subscription.
    public static func recipient(of message: OutboundMessage) throws -> String {
        guard case .email(let address) = message.subscription.channel else {
            throw EmailMessageError.notEmailSubscription(message.subscription.id)
        }
        if let problem = EmailAddress.problem(with: address) { throw EmailMessageError.invalidRecipient(problem) }
        return address
    }

    /// Two boundaries for the two multipart levels. Their `=_` can occur in neither base64 nor
    /// quoted-printable, so they never appear in a part's content.
    struct Boundaries {
        var mixed: String
        var alternative: String
    }

    static func randomBoundaries() -> Boundaries {
        Boundaries(mixed: "=_m." + RandomID.make(length: 24), alternative: "=_a." + RandomID.make(length: 24))
    }

    func build(_ message: OutboundMessage, content: EmailContent, boundaries: Boundaries) throws -> Data {
        let problems = settings.problems()
        guard problems.isEmpty else { throw EmailMessageError.invalidSettings(problems) }
        let recipient = try Self.recipient(of: message)
        var text = headers(message, content: content, recipient: recipient, boundary: boundaries.mixed)
        text += "\r\n"
        text += body(message, content: content, recipient: recipient, boundaries: boundaries)
        return Data(text.utf8)
    }

    static func dotAtom(_ key: String) -> String {
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/?^_`{|}~".utf8)
        let bytes = Array(key.utf8)
        var result = ""
        for (index, byte) in bytes.enumerated() {
            let dotAllowed = index > 0 && index < bytes.count - 1 && bytes[index - 1] != UInt8(ascii: ".")
            if atext.contains(byte) || byte == UInt8(ascii: ".") && dotAllowed {
                result.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                result += String(format: "=%02X", byte)
            }
        }
        return result.isEmpty ? "concertd" : result
    }
}

import Foundation

extension EmailMessageBuilder {
    /// Everything after the header: the preamble, the alternative texts and the calendar attachment.
    func body(_ message: OutboundMessage, content: EmailContent, recipient: String, boundaries: Boundaries) -> String {
        let alternative = message.shared.value("email.alternative." + boundaries.alternative) {
            let html = Self.htmlDocument(content.html, title: content.subject, language: message.subscription.language)
            return MailHeader.field(
                "Content-Type", ["multipart/alternative;", "boundary=\"\(boundaries.alternative)\""])
                + "\r\n"
                + multipart(
                    boundaries.alternative, [textPart("text/plain", content.body), textPart("text/html", html)])
        }
        return "This is a message in MIME format.\r\n\r\n"
            + multipart(boundaries.mixed, [alternative, calendarPart(message, content: content, recipient: recipient)])
    }

    /// The concert as `concert.ics`, its MIME type naming the same iTIP method as its `METHOD`.
    private func calendarPart(_ message: OutboundMessage, content: EmailContent, recipient: String) -> String {
        let calendar = ICalendar.event(
            for: message, description: content.body, organizer: (settings.fromAddress, settings.fromName),
            attendee: recipient)
        let method = ICalendar.method(for: message).rawValue
        return MailHeader.field(
            "Content-Type", ["text/calendar;", "charset=UTF-8;", "method=\(method);", "name=\"concert.ics\""])
            + MailHeader.field("Content-Transfer-Encoding", "base64")
            + MailHeader.field("Content-Disposition", ["attachment;", "filename=\"concert.ics\""])
            + "\r\n" + MIMEEncoding.base64Lines(Array(calendar.utf8))
    }

    /// Parts (each its header, a blank line and its content) between delimiter lines, ending with
    /// the close delimiter and CRLF.
    private func multipart(_ boundary: String, _ parts: [String]) -> String {
        parts.map { "--\(boundary)\r\n\($0)\r\n" }.joined() + "--\(boundary)--\r\n"
    }

    /// A UTF-8 text part in the shorter of quoted-printable and base64.
    private func textPart(_ type: String, _ text: String) -> String {
        let base64 = MIMEEncoding.base64Lines(MIMEEncoding.canonicalText(text))
        let quoted = MIMEEncoding.quotedPrintable(text)
        let (encoding, encoded) =
            quoted.utf8.count <= base64.utf8.count ? ("quoted-printable", quoted) : ("base64", base64)
        return MailHeader.field("Content-Type", ["\(type);", "charset=UTF-8"])
            + MailHeader.field("Content-Transfer-Encoding", encoding) + "\r\n" + encoded
    }

    /// `html` as a whole document: as it is when it has an `<html` element, else wrapped in one
    /// that declares its language and UTF-8, with the subject as its title.
    static func htmlDocument(_ html: String, title: String, language: Language) -> String {
        if html.range(of: "<html", options: .caseInsensitive) != nil { return html }
        let escapedTitle = MailHeader.singleSpaced(title).replacingOccurrences(of: "&", with: "&amp;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        return """
            <!DOCTYPE html>
            <html lang="\(language.rawValue)">
            <head>
            <meta charset="UTF-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escapedTitle)</title>
            </head>
            <body>
            \(html)
            </body>
            </html>

            """
    }
}

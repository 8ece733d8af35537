import Foundation

/// The iCalendar object (RFC 5545) attached to every email: the concert as one event, which a
/// mail client offers to add to a calendar and later updates or removes.
///
/// It is an iTIP request (RFC 5546): `METHOD:REQUEST` from concertd's address as organizer to
/// the subscriber as attendee, and `METHOD:CANCEL` once the concert is cancelled. Gmail and
/// Outlook match a later request or cancellation to the event already in the calendar by its
/// `UID` and apply it when its `SEQUENCE` is higher (or equal with a later `DTSTAMP`); a
/// `PUBLISH` is only ever imported as a copy and has no cancellation, so a changed concert
/// would appear twice. `RSVP=FALSE` says that no reply is expected.
public enum ICalendar {
    /// The iTIP method of the object, also the `method` parameter of its MIME type.
    public enum Method: String, Sendable {
        case request = "REQUEST"
        case cancel = "CANCEL"
    }

    /// The product that made the object.
    public static let productID = "-//concertd//concertd 0.1//KO"
    /// The time zone of timed events; its definition is included, so no calendar needs a database.
    public static let timeZoneID = "Asia/Seoul"

    /// `CANCEL` when the message announces a cancellation or its concert is cancelled, else `REQUEST`.
    public static func method(for message: OutboundMessage) -> Method {
        message.delivery.kind == .cancellation || message.concert.concert.status == .cancelled ? .cancel : .request
    }

    /// `daegu-2019@concertd`: the same for every message about a concert, whatever its revision.
    public static func uid(concertID: String) -> String {
        concertID + "@concertd"
    }

    /// The calendar object for `message`'s concert, with CRLF line breaks and folded lines.
    ///
    /// The summary is the concert's title in the subscription's language, or "<cities> 스마트시티
    /// 시민 토크콘서트" when it has none; the location its venue, or the host city when the venue is
    /// unknown. `SEQUENCE` is the concert's revision minus one, so it starts at 0 and rises with
    /// each change of time, venue or status; `DTSTAMP` is `message.now`. A date-only concert is an
    /// all-day event whose `DTEND` is the day after its last day.
    ///
    /// - Parameters:
    ///   - description: the message's text, shown as the event's notes.
    ///   - organizer: the address the email is sent from, and its display name.
    ///   - attendee: the subscriber's address.
    public static func event(
        for message: OutboundMessage, description: String, organizer: (address: String, name: String?),
        attendee: String
    ) -> String {
        let concert = message.concert.concert
        let language = message.subscription.language
        let method = method(for: message)
        var lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:" + productID,
            "CALSCALE:GREGORIAN",
            "METHOD:" + method.rawValue,
            "BEGIN:VTIMEZONE",
            "TZID:" + timeZoneID,
            "BEGIN:STANDARD",
            "DTSTART:19700101T000000",
            "TZOFFSETFROM:+0900",
            "TZOFFSETTO:+0900",
            "TZNAME:KST",
            "END:STANDARD",
            "END:VTIMEZONE",
            "BEGIN:VEVENT",
            "UID:" + text(uid(concertID: concert.id)),
            "SEQUENCE:\(max(0, message.concert.revision - 1))",
            "DTSTAMP:" + KoreaTime.LocalDateTime(message.now, offsetSeconds: 0).basic + "Z",
        ]
        switch concert.schedule {
        case .timed(let start, let end):
            lines.append("DTSTART;TZID=\(timeZoneID):" + KoreaTime.LocalDateTime(start).basic)
            lines.append("DTEND;TZID=\(timeZoneID):" + KoreaTime.LocalDateTime(end).basic)
            lines.append("TRANSP:OPAQUE")
        case .dateOnly(let first, let last):
            lines.append("DTSTART;VALUE=DATE:" + first.basic)
            lines.append("DTEND;VALUE=DATE:" + last.adding(days: 1).basic)
            lines.append("TRANSP:TRANSPARENT")
        }
        lines.append("SUMMARY:" + text(summary(of: message, in: language)))
        if let location = location(of: message, in: language) {
            lines.append("LOCATION:" + text(location))
        }
        lines.append("DESCRIPTION:" + text(description))
        lines.append("URL:" + message.infoURL)
        lines.append("STATUS:" + (method == .cancel ? "CANCELLED" : "CONFIRMED"))
        let organizerName = organizer.name.map { ";CN=" + parameter($0) } ?? ""
        lines.append("ORGANIZER\(organizerName):mailto:" + organizer.address)
        lines.append(
            "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=FALSE:mailto:" + attendee)
        lines += ["END:VEVENT", "END:VCALENDAR"]
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// The title, or a name made of the subscriber's cities when the source gives the concert none.
    static func summary(of message: OutboundMessage, in language: Language) -> String {
        if let title = message.concert.concert.title?.text(in: language) { return title }
        let cities = message.cities.map { $0.name(in: language) }
        switch language {
        case .ko: return (cities.isEmpty ? "" : cities.joined(separator: "·") + " ") + "스마트시티 시민 토크콘서트"
        case .en:
            return "Smart City citizen talk concert"
                + (cities.isEmpty ? "" : " (" + cities.joined(separator: ", ") + ")")
        }
    }

    /// The venue, or the full name of the host city when only that is known.
    static func location(of message: OutboundMessage, in language: Language) -> String? {
        let concert = message.concert.concert
        if let venue = concert.venue?.text(in: language) { return venue }
        guard let host = message.cities.first(where: { $0.id == concert.cities.first }) else { return nil }
        return language == .ko ? host.fullName : host.englishName
    }
}

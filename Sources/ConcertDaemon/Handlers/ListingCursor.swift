import ConcertCore
import ConcertProtocol
import Foundation

/// The `cursor` of a listing's next page: the listing's name and the position of the last entry
/// sent, base64url-encoded so that clients treat it as the opaque token it is.
///
/// Decoding checks everything: the encoding, the listing it was made for, and each part of the
/// position; anything else is `invalid_params` naming `cursor`. A cursor only says where to go on
/// (the filters come with each request), so a made-up one that decodes can show nothing a listing
/// would not.
struct ListingCursor {
    var listing: String
    var parts: [String]

    /// The fields' separator: a control character, found in no position's text.
    private static let separator: Character = "\u{1F}"

    init(listing: String, parts: [String]) {
        self.listing = listing
        self.parts = parts
    }

    /// The cursor as sent to the client.
    var token: String {
        Data(([listing] + parts).joined(separator: String(Self.separator)).utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads a client's cursor made for `listing` with `count` parts; the last part may hold anything.
    init(token: String, listing: String, count: Int) throws(ControlError) {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.utf8.count % 4) % 4)
        guard token.utf8.allSatisfy({ Self.isBase64URL($0) }), let data = Data(base64Encoded: base64),
            let text = String(data: data, encoding: .utf8)
        else { throw Self.invalid }
        let fields = text.split(separator: Self.separator, maxSplits: count, omittingEmptySubsequences: false)
        guard fields.count == count + 1, fields[0] == listing else { throw Self.invalid }
        self.listing = listing
        self.parts = fields.dropFirst().map(String.init)
    }

    /// Part `index` as an integer, or `invalid_params`.
    func integer(_ index: Int) throws(ControlError) -> Int64 {
        guard let value = Int64(parts[index]), String(value) == parts[index] else { throw Self.invalid }
        return value
    }

    static let invalid = ControlError.invalidParams(
        "params.cursor is not a cursor this daemon gave for this listing: pass the `cursor` of the previous page unchanged",
        field: "cursor")

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}

extension ListingCursor {
    static func subscriptions(_ position: ListingPosition.Subscription) -> String {
        ListingCursor(listing: "subscriptions", parts: [String(position)]).token
    }

    static func subscriptions(_ token: String?) throws(ControlError) -> ListingPosition.Subscription? {
        guard let token else { return nil }
        return try ListingCursor(token: token, listing: "subscriptions", count: 1).integer(0)
    }

    static func concerts(_ position: ListingPosition.Concert) -> String {
        ListingCursor(listing: "concerts", parts: [String(position.startMillis), position.id]).token
    }

    static func concerts(_ token: String?) throws(ControlError) -> ListingPosition.Concert? {
        guard let token else { return nil }
        let cursor = try ListingCursor(token: token, listing: "concerts", count: 2)
        return ListingPosition.Concert(startMillis: try cursor.integer(0), id: cursor.parts[1])
    }

    static func deliveries(_ id: Int64) -> String {
        ListingCursor(listing: "deliveries", parts: [String(id)]).token
    }

    static func deliveries(_ token: String?) throws(ControlError) -> Int64? {
        guard let token else { return nil }
        return try ListingCursor(token: token, listing: "deliveries", count: 1).integer(0)
    }

    /// `upcoming` and `preview`, both in due order, each with cursors of its own.
    static func due(_ listing: String, _ position: ListingPosition.Due) -> String {
        ListingCursor(listing: listing, parts: [String(position.dueMillis), String(position.id)]).token
    }

    static func due(_ listing: String, _ token: String?) throws(ControlError) -> ListingPosition.Due? {
        guard let token else { return nil }
        let cursor = try ListingCursor(token: token, listing: listing, count: 2)
        return ListingPosition.Due(dueMillis: try cursor.integer(0), id: try cursor.integer(1))
    }
}

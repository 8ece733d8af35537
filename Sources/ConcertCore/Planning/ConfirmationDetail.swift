import Foundation

/// What a confirmation's delivery keeps in its detail when the subscription's cities have more
/// than one next concert: their ids, soonest first (`{"next_concerts":["busan-2019","daegu-2019"]}`).
/// Without it the confirmation names its own concert only.
public struct ConfirmationDetail: Sendable, Hashable, Codable {
    public var nextConcerts: [String]

    public init(nextConcerts: [String]) {
        self.nextConcerts = nextConcerts
    }

    enum CodingKeys: String, CodingKey {
        case nextConcerts = "next_concerts"
    }

    /// The JSON kept in the delivery's detail.
    public var text: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        do {
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        } catch {
            preconditionFailure("an array of strings always encodes: \(error)")
        }
    }

    /// The detail of a confirmation, or nil when `detail` is none or not this (a row planned
    /// before confirmations named several concerts, a hand-edited one): the message then names its
    /// own concert only.
    public init?(detail: String?) {
        guard let detail, detail.hasPrefix("{") else { return nil }
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(detail.utf8))
        } catch {
            return nil
        }
    }
}

import ConcertShared
import Foundation

/// The parameters of `subscribe`, and the shape of one line of a `subscribe.bulk` import.
///
/// Exactly one of `email` and `webhook` is given. `before` is a list of offsets (`["7d", "1h"]`);
/// a comma-separated string (`"7d,1h"`) is read too, for hand-written import files. Values are
/// checked by the daemon (`invalid_input`): city names, the address or URL, the format, the
/// offsets and the language.
public struct SubscribeParams: ControlParams, Hashable {
    /// City ids or names; at least one.
    public var cities: [String]
    public var email: String?
    public var webhook: String?
    /// The webhook payload format (`generic`, `slack`, …); the daemon's default when absent.
    public var format: String?
    /// The signing secret of a `generic` webhook; the daemon generates one when absent.
    public var secret: String?
    /// Offsets before each concert; the daemon's defaults (`7d,1d,1h`) when absent.
    public var before: [String]?
    /// `ko` or `en`; `ko` when absent.
    public var lang: String?
    /// A note for the administrator, shown in listings.
    public var label: String?
    /// Skip the confirmation message.
    public var quiet: Bool

    public init(
        cities: [String], email: String? = nil, webhook: String? = nil, format: String? = nil, secret: String? = nil,
        before: [String]? = nil, lang: String? = nil, label: String? = nil, quiet: Bool = false
    ) {
        self.cities = cities
        self.email = email
        self.webhook = webhook
        self.format = format
        self.secret = secret
        self.before = before
        self.lang = lang
        self.label = label
        self.quiet = quiet
    }

    private enum CodingKeys: String, CodingKey {
        case cities, email, webhook, format, secret, before, lang, label, quiet
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cities = try container.decode([String].self, forKey: .cities)
        email = try container.decodeIfPresent(String.self, forKey: .email)
        webhook = try container.decodeIfPresent(String.self, forKey: .webhook)
        format = try container.decodeIfPresent(String.self, forKey: .format)
        secret = try container.decodeIfPresent(String.self, forKey: .secret)
        if let text = try? container.decodeIfPresent(String.self, forKey: .before) {
            before = text.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingWhitespace()
            }
        } else {
            before = try container.decodeIfPresent([String].self, forKey: .before)
        }
        lang = try container.decodeIfPresent(String.self, forKey: .lang)
        label = try container.decodeIfPresent(String.self, forKey: .label)
        quiet = try container.decodeIfPresent(Bool.self, forKey: .quiet) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cities, forKey: .cities)
        try container.encodeIfPresent(email, forKey: .email)
        try container.encodeIfPresent(webhook, forKey: .webhook)
        try container.encodeIfPresent(format, forKey: .format)
        try container.encodeIfPresent(secret, forKey: .secret)
        try container.encodeIfPresent(before, forKey: .before)
        try container.encodeIfPresent(lang, forKey: .lang)
        try container.encodeIfPresent(label, forKey: .label)
        if quiet { try container.encode(quiet, forKey: .quiet) }
    }
}

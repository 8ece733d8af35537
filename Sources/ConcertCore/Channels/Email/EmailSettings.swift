/// How concertd signs and addresses the emails it builds: sender, replies, unsubscribing and the
/// domain of its Message-IDs. The SMTP transport has settings of its own (smarthost, envelope).
public struct EmailSettings: Sendable, Hashable {
    /// The `From` address, ASCII (`alerts@example.org`); also the calendar invitation's organizer.
    public var fromAddress: String
    /// Shown beside the address (`스마트시티 토크콘서트 알림`); any Unicode, sent as RFC 2047 words.
    public var fromName: String?
    /// Where replies go when not to `fromAddress`: a bare address, like `fromAddress`.
    public var replyTo: String?
    /// Shown beside `replyTo`; any Unicode, sent as RFC 2047 words.
    public var replyToName: String?
    /// An address whose mail with the subject `unsubscribe SUBSCRIPTION-ID` unsubscribes; offered in
    /// `List-Unsubscribe`.
    public var unsubscribeMailto: String?
    /// An `https` URL containing `{subscription}`, replaced by the subscription id, that answers a
    /// `POST` with `List-Unsubscribe=One-Click` by unsubscribing (RFC 8058).
    public var unsubscribeURLTemplate: String?
    /// The right-hand side of Message-IDs; the domain of `fromAddress` when not given.
    public var messageIDDomain: String
    /// The web front door's unsubscribe and manage links (`web_listen`): when set, they come first
    /// in `List-Unsubscribe` in place of `unsubscribeURLTemplate`, and every body ends with them.
    public var webLinks: WebLinks?

    /// The placeholder in `unsubscribeURLTemplate`.
    public static let subscriptionPlaceholder = "{subscription}"

    public init(
        fromAddress: String, fromName: String? = nil, replyTo: String? = nil, replyToName: String? = nil,
        unsubscribeMailto: String? = nil, unsubscribeURLTemplate: String? = nil, messageIDDomain: String? = nil,
        webLinks: WebLinks? = nil
    ) {
        self.webLinks = webLinks
        self.fromAddress = fromAddress
        self.fromName = fromName
        self.replyTo = replyTo
        self.replyToName = replyToName
        self.unsubscribeMailto = unsubscribeMailto
        self.unsubscribeURLTemplate = unsubscribeURLTemplate
        self.messageIDDomain = messageIDDomain ?? String(fromAddress.split(separator: "@").last ?? "")
    }

    /// One setting of these, as problems name it.
    public enum Setting: String, Sendable, CaseIterable {
        case fromAddress = "from address"
        case fromName = "from name"
        case replyTo = "reply-to address"
        case replyToName = "reply-to name"
        case unsubscribeMailto = "unsubscribe address"
        case unsubscribeURLTemplate = "unsubscribe URL template"
        case messageIDDomain = "message-id domain"
    }

    /// Everything that would make a message built with these settings wrong; empty when they are usable.
    ///
    /// The configuration loader checks these (``problemsBySetting()``), so that a bad setting is
    /// refused at start rather than failing every message; the builder checks again before each message.
    public func problems() -> [String] {
        problemsBySetting().map { "\($0.setting.rawValue): \($0.message)" }
    }

    /// ``problems()``, each with the setting it concerns.
    public func problemsBySetting() -> [(setting: Setting, message: String)] {
        var problems: [(setting: Setting, message: String)] = []
        if let problem = EmailAddress.problem(with: fromAddress) { problems.append((.fromAddress, problem)) }
        if let replyTo, let problem = EmailAddress.problem(with: replyTo) { problems.append((.replyTo, problem)) }
        if let unsubscribeMailto, let problem = EmailAddress.problem(with: unsubscribeMailto) {
            problems.append((.unsubscribeMailto, problem))
        }
        if let template = unsubscribeURLTemplate, let problem = Self.templateProblem(template) {
            problems.append((.unsubscribeURLTemplate, problem))
        }
        if EmailAddress.problem(with: "postmaster@" + messageIDDomain) != nil {
            problems.append((.messageIDDomain, "'\(messageIDDomain)' is not a valid host name"))
        }
        for (setting, name) in [(Setting.fromName, fromName), (.replyToName, replyToName)] {
            if let name, name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                problems.append((setting, "contains control characters"))
            }
        }
        return problems
    }

    private static func templateProblem(_ template: String) -> String? {
        guard template.lowercased().hasPrefix("https://") else {
            return "it must start with https:// (RFC 8058 one-click unsubscribing is https only)"
        }
        guard template.utf8.count <= 900 else {
            return "it is longer than 900 characters, too long for a header line (998 at most)"
        }
        guard template.contains(subscriptionPlaceholder) else {
            return "it must contain \(subscriptionPlaceholder) so that each subscriber gets their own link"
        }
        let sample = template.replacingOccurrences(of: subscriptionPlaceholder, with: "sub-x")
        let forbidden = Set("<>\"'`\\^{}|")
        guard sample.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }),
            !sample.contains(where: forbidden.contains)
        else { return "it contains spaces, control, non-ASCII or unsafe characters; percent-encode them" }
        return WebhookURL.problem(with: sample)
    }
}

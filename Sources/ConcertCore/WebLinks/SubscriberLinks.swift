/// One subscription's own links on the web front door, its one-click unsubscribe and its manage
/// page: every email and every chat message ends with them when the front door is on.
public struct SubscriberLinks: Sendable, Hashable {
    public var unsubscribeURL: String
    public var manageURL: String

    public init(unsubscribeURL: String, manageURL: String) {
        self.unsubscribeURL = unsubscribeURL
        self.manageURL = manageURL
    }

    /// The words the two links are shown with, in `language`.
    public static func labels(_ language: Language) -> (unsubscribe: String, manage: String) {
        switch language {
        case .ko: ("수신 거부", "알림 설정 바꾸기")
        case .en: ("Unsubscribe", "Manage your reminders")
        }
    }
}

extension WebLinks {
    /// The links of the subscription `id`; nil without a signing key.
    public func subscriberLinks(for id: String) -> SubscriberLinks? {
        guard let unsubscribe = url(.unsubscribe, subject: id), let manage = url(.manage, subject: id) else {
            return nil
        }
        return SubscriberLinks(unsubscribeURL: unsubscribe, manageURL: manage)
    }
}

/// What the scheduler asks of a subscription's channel when it sends, so that it needs to know no
/// channel kind itself.
extension ChannelAddress {
    /// Whether the destination is a host that unrelated subscriptions share (a webhook URL's host,
    /// `hooks.slack.com`): the scheduler follows its runs of failures for `status` and the journal
    /// (``WebhookHostFailures``) but never holds it, since one URL's trouble is not its
    /// neighbours'. The smarthost is no such host: it is held when it fails as a whole.
    public var destinationIsSharedHost: Bool {
        switch self {
        case .email: false
        case .webhook: true
        }
    }

    /// What the operator does when no channel of this kind is configured, named in the verdict
    /// of a send that found none.
    public var unconfiguredChannelAdvice: String {
        switch self {
        case .email: "set smtp_url and mail_from"
        case .webhook: "this is a bug: webhooks always have one"
        }
    }
}

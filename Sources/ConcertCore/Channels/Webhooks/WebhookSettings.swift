import Foundation

/// How webhooks are sent: the timeouts of each request, the secrets to hide in verdicts and the
/// networks not to connect to.
public struct WebhookSettings: Sendable {
    public var timeouts: TransferTimeouts
    /// Knows the daemon's own secrets (the SMTP password); each verdict's text is also cleared of
    /// the subscription's URL and signing secret.
    public var redactor: SecretRedactor
    /// No connection is made to an address this refuses (`webhook_deny`): such a message fails for
    /// good, naming the address.
    public var deny: AddressDenyList

    public init(
        timeouts: TransferTimeouts = .webhook, redactor: SecretRedactor = SecretRedactor(),
        deny: AddressDenyList = .linkLocal
    ) {
        self.timeouts = timeouts
        self.redactor = redactor
        self.deny = deny
    }
}

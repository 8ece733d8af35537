extension DaemonConfiguration {
    /// How the webhook channel sends: `http_connect_timeout`, `http_timeout`, `webhook_deny`, and
    /// the configuration's secrets hidden in every verdict.
    public var webhookSettings: WebhookSettings {
        WebhookSettings(
            timeouts: TransferTimeouts(connect: httpConnectTimeout, total: httpTimeout),
            redactor: SecretRedactor(configuration: self), deny: webhookDeny)
    }

    /// How the email channel signs and addresses its messages; `nil` without `mail_from`.
    public var emailSettings: EmailSettings? {
        guard let from = effectiveMailFrom else { return nil }
        return EmailSettings(
            fromAddress: from.address, fromName: from.displayName, replyTo: replyTo?.address,
            replyToName: replyTo?.displayName, unsubscribeMailto: unsubscribeMailto,
            unsubscribeURLTemplate: unsubscribeURLTemplate)
    }

    /// How the email channel reaches the smarthost; `nil` without `smtp_url` or an envelope sender.
    public var smarthost: Smarthost? {
        guard let smtp = smtpURL, let envelope = effectiveEnvelopeFrom else { return nil }
        return Smarthost(
            url: smtp.connectionURL, mailFrom: envelope, username: smtp.user, password: smtpPassword?.revealed,
            requireTLS: smtpRequiresTLS, caBundlePath: smtpCABundle,
            timeouts: TransferTimeouts(connect: smtpConnectTimeout, total: smtpTimeout))
    }
}

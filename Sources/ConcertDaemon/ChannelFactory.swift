import ConcertCore
import Foundation
import Logging

/// Builds the daemon's channels from the configuration: webhooks always, email when a
/// smarthost is configured. Both send through the daemon's one libcurl sender.
enum ChannelFactory {
    static func channels(
        for configuration: DaemonConfiguration, renderer: MessageRenderer, sender: CurlSender, logger: Logger
    ) -> [String: any Channel] {
        var channels: [String: any Channel] = [:]
        let webhookTimeouts = TransferTimeouts(
            connect: configuration.httpConnectTimeout, total: configuration.httpTimeout)
        channels["webhook"] = WebhookChannel(
            sender: sender, timeouts: webhookTimeouts, redactor: SecretRedactor(configuration: configuration),
            deny: configuration.webhookDeny
        ) { message in
            try WebhookFormats.request(for: message, rendered: renderer.render(message), attemptTime: Date())
        }
        guard let smtp = configuration.smtpURL else {
            logger.notice("no smtp_url configured: email reminders wait until one is")
            return channels
        }
        guard let from = configuration.effectiveMailFrom, let envelope = configuration.effectiveEnvelopeFrom else {
            logger.error("smtp_url is set but mail_from is not: email reminders wait until it is")
            return channels
        }
        let transport = SMTPTransport(
            url: smtp.connectionURL, mailFrom: envelope, username: smtp.user,
            password: configuration.smtpPassword?.revealed, requireTLS: configuration.smtpRequiresTLS,
            timeouts: TransferTimeouts(connect: configuration.smtpConnectTimeout, total: configuration.smtpTimeout))
        let settings = EmailSettings(
            fromAddress: from.address, fromName: from.displayName, replyTo: configuration.replyTo?.description,
            unsubscribeMailto: configuration.unsubscribeMailto,
            unsubscribeURLTemplate: configuration.unsubscribeURLTemplate)
        channels["email"] = EmailChannel(
            sender: sender, transport: transport, builder: EmailMessageBuilder(settings: settings), renderer: renderer)
        return channels
    }

    /// The one libcurl sender of the daemon, from the `http_*` keys.
    ///
    /// libcurl keeps up to four idle connections per send in flight (its own default for a multi
    /// handle): with only one per send, a fan-out over 16 receivers, each up to its own limit at
    /// times, closed and reopened 800 connections for 10,000 webhooks.
    static func sender(for configuration: DaemonConfiguration) throws -> CurlSender {
        try CurlSender(
            configuration: CurlSender.Configuration(
                caBundlePath: configuration.httpCABundle, maxConnections: max(configuration.maxInFlight * 4, 8),
                responseBodyLimit: configuration.httpMaxResponseBytes))
    }
}

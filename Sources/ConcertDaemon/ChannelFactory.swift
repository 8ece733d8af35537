import ConcertCore
import Foundation
import Logging

/// Builds the daemon's channels from the configuration: webhooks always, email when a
/// smarthost is configured. Both send through the daemon's one libcurl transport.
enum ChannelFactory {
    /// `smtpSince` is when the SMTP settings took effect: on a reload, connections to the
    /// smarthost opened before are not reused (they may predate a new CA bundle or password).
    static func channels(
        for configuration: DaemonConfiguration, renderer: MessageRenderer, transport: CurlTransport, logger: Logger,
        smtpSince: ContinuousClock.Instant? = nil, webLinks: WebLinks? = nil
    ) -> [String: any Channel] {
        var channels: [String: any Channel] = [
            "webhook": WebhookChannel(
                settings: configuration.webhookSettings, renderer: renderer, transport: transport, webLinks: webLinks)
        ]
        guard configuration.smtpURL != nil else {
            logger.notice(
                "no smtp_url configured: new email subscriptions are refused, and reminders of email subscriptions made before are held (status shows smtp failing) until smtp_url and mail_from are set"
            )
            return channels
        }
        guard var settings = configuration.emailSettings, let configured = configuration.smarthost else {
            logger.error(
                "smtp_url is set but mail_from is not: reminders of email subscriptions are held (status shows smtp failing) until it is"
            )
            return channels
        }
        settings.webLinks = webLinks
        var smarthost = configured
        smarthost.connectionsSince = smtpSince
        channels["email"] = EmailChannel(
            settings: settings, smarthost: smarthost, renderer: renderer, transport: transport)
        return channels
    }

    /// The one libcurl transport of the daemon, from the `http_*` keys.
    ///
    /// libcurl keeps up to four idle connections per send in flight (its own default for a multi
    /// handle): a fan-out over many receivers, each up to its own limit at times, would otherwise
    /// close and reopen connections all the time (BENCHMARKS.md, "Connection reuse").
    static func transport(for configuration: DaemonConfiguration) throws -> CurlTransport {
        try CurlTransport(
            configuration: CurlTransport.Configuration(
                caBundlePath: configuration.httpCABundle, maxConnections: connectionCacheSize(for: configuration),
                responseBodyLimit: configuration.httpMaxResponseBytes))
    }

    /// The connections libcurl may keep idle: four per send in flight (see ``transport(for:)``).
    static func connectionCacheSize(for configuration: DaemonConfiguration) -> Int {
        max(configuration.maxInFlight * 4, 8)
    }
}

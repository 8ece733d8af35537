import ConcertCore
import Logging

/// Builds the daemon's channels from the configuration: webhooks always, email when a
/// smarthost is configured.
enum ChannelFactory {
    static func channels(
        for configuration: DaemonConfiguration, renderer: MessageRenderer, logger: Logger
    ) -> [String: any Channel] {
        [:]
    }
}

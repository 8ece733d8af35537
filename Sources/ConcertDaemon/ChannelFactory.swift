import ConcertCore
import Logging

/// Builds the daemon's channels from the configuration: webhooks always, email when a
/// smarthost is configured.
enum ChannelFactory {
    static func channels(
        for configuration: DaemonConfiguration, catalog: Catalog, paths: ResolvedPaths, logger: Logger
    ) -> [String: any Channel] {
        [:]
    }
}

import Hummingbird
import Logging

/// The context of one request: Hummingbird's core storage and the connection's peer address.
public struct WebRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The IP address of the TCP peer (a proxy, when there is one), as text.
    public let peer: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        peer = source.channel.remoteAddress?.ipAddress
    }

    /// A context without a connection, for driving the router in tests.
    init(peer: String?, logger: Logger) {
        coreContext = CoreRequestContextStorage(source: LoggerSource(logger: logger))
        self.peer = peer
    }

    private struct LoggerSource: RequestContextSource {
        let logger: Logger
    }
}

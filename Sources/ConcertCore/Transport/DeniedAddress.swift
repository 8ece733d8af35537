/// A connection the deny list refused: the URL's host, the address it resolved to, and the
/// network of the list that holds that address. The channel that asked for the list words it.
public struct DeniedAddress: Sendable, Hashable {
    /// The URL's host as written (`hooks.example.org`, `127.0.0.1`); `nil` when there was no URL.
    public var host: String?
    public var address: IPAddress
    public var network: IPNetwork

    public init(host: String?, address: IPAddress, network: IPNetwork) {
        self.host = host
        self.address = address
        self.network = network
    }
}

/// How long one transfer may take, enforced by libcurl on the monotonic clock.
public struct TransferTimeouts: Sendable, Hashable {
    /// Until the TCP (and TLS) connection is up; a reused connection needs none.
    public var connect: Duration
    /// The whole transfer, connecting included.
    public var total: Duration

    public init(connect: Duration = .seconds(10), total: Duration = .seconds(30)) {
        self.connect = connect
        self.total = total
    }

    /// Webhooks: chat services answer within seconds or not at all.
    public static let webhook = TransferTimeouts(connect: .seconds(10), total: .seconds(30))
    /// SMTP: a smarthost may greet slowly and take its time to queue a message.
    public static let smtp = TransferTimeouts(connect: .seconds(15), total: .seconds(120))
}

extension Duration {
    /// Whole milliseconds, at least 1 so that libcurl never reads 0 as "no timeout".
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        let millis = seconds.multipliedReportingOverflow(by: 1000)
        guard !millis.overflow else { return Int.max }
        return max(1, Int(millis.partialValue + attoseconds / 1_000_000_000_000_000))
    }
}

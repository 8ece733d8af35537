import Foundation

/// Which of libcurl's open connections to the smarthost a mail transfer may reuse, when its
/// settings took effect at `since` (``MailTransfer/connectionsSince``).
///
/// libcurl keeps connections open across transfers and, for STARTTLS, reuses one without
/// comparing the CA bundle or TLS settings it was verified with. No connection opened before
/// `since` may carry a transfer. libcurl limits the age of a reused connection in whole seconds
/// (`CURLOPT_MAXLIFETIME_CONN`, compared after truncation): a connection opened just before
/// `since` is at least ⌊elapsed⌋ seconds old, so the limit is one less, and in the first two
/// seconds, where that would be 0 (no limit at all), the transfer opens a fresh connection
/// (`CURLOPT_FRESH_CONNECT`). A connection opened since then may be closed early: harmless.
enum MailConnectionReuse: Equatable {
    case any
    case fresh
    case openedWithin(seconds: Int)

    init(since: ContinuousClock.Instant?, now: ContinuousClock.Instant) {
        guard let since else {
            self = .any
            return
        }
        let elapsed = (now - since).components.seconds
        self = elapsed < 2 ? .fresh : .openedWithin(seconds: Int(elapsed) - 1)
    }
}

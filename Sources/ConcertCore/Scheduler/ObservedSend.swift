import Dispatch
import Foundation

/// One send as the metrics observer sees it: started as its row goes to the channel, ended with
/// its verdict on the channel's completion thread after the real (monotonic) time it took.
struct ObservedSend: Sendable {
    private let observer: any DeliveryObserver
    private let channel: String
    private let started: UInt64

    /// Tells `observer`, if any, that `item` is being sent at `now` over `channel`.
    init?(_ item: ClaimedDelivery, channel: String, observer: (any DeliveryObserver)?, now: () -> Date) {
        guard let observer else { return nil }
        self.observer = observer
        self.channel = channel
        self.started = DispatchTime.now().uptimeNanoseconds
        let due = item.delivery.nextAttempt ?? item.delivery.due
        observer.sendStarted(kind: item.delivery.kind, channel: channel, lateness: max(0, now().timeIntervalSince(due)))
    }

    /// Tells the observer the send ended with `verdict`.
    func ended(_ verdict: Verdict) {
        let ended = DispatchTime.now().uptimeNanoseconds
        observer.sendEnded(
            channel: channel, verdict: verdict, duration: Double(ended >= started ? ended - started : 0) / 1e9)
    }
}

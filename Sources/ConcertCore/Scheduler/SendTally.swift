/// What the verdicts since the journal's last summary came to, by the state each row moved to.
struct SendTally {
    private(set) var sent = 0
    private(set) var retrying = 0
    private(set) var failed = 0
    private(set) var skipped = 0

    var isEmpty: Bool { sent + retrying + failed + skipped == 0 }

    mutating func add(_ state: Delivery.State) {
        switch state {
        case .sent: sent += 1
        case .retrying: retrying += 1
        case .failed: failed += 1
        case .skipped: skipped += 1
        case .scheduled, .sending: break
        }
    }
}

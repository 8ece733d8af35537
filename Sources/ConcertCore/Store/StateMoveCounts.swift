/// The counter changes of the state moves into and out of `sending` in one transaction, written
/// once at its end by each engine into its own counter rows: the counter triggers leave these
/// moves to the scheduler's store functions, so that a claim or a batch of records updates each
/// counter once, not once per row.
package struct StateMoveCounts {
    package init() {}

    private var deltas: [Delivery.State: Int] = [:]
    /// Rows moved out of `sending` into a final state, by their `finished.STATE.KIND.CHANNEL`
    /// total (``FinishedDeliveryCount``).
    private var finishedTotals: [String: Int] = [:]
    /// Rows moved out of `sending` so far.
    package private(set) var left = 0

    /// One row moved from `state` into `sending`.
    package mutating func entered(from state: Delivery.State) {
        deltas[state, default: 0] -= 1
        deltas[.sending, default: 0] += 1
    }

    /// `count` rows moved out of `sending` into `state`.
    package mutating func left(to state: Delivery.State, count: Int) {
        guard count > 0, state != .sending else { return }
        left += count
        deltas[.sending, default: 0] -= count
        deltas[state, default: 0] += count
    }

    /// `record`'s row moved out of `sending` into its new state: counted in the finished totals
    /// when that state is final.
    package mutating func finished(_ record: DeliveryRecord) {
        guard record.newState.isFinal else { return }
        finishedTotals[
            FinishedDeliveryCount.counterName(
                state: record.newState, kind: record.delivery.kind, channel: record.subscription.channel.metricsName),
            default: 0] += 1
    }

    /// The counter names and deltas to add, in name order: each state's `delivery.STATE` count and
    /// the finished totals.
    package var changes: [(name: String, delta: Int)] {
        let states = deltas.filter { $0.value != 0 }.map { (name: "delivery." + $0.key.rawValue, delta: $0.value) }
        let finished = finishedTotals.map { (name: $0.key, delta: $0.value) }
        return (states + finished).sorted { $0.name < $1.name }
    }
}

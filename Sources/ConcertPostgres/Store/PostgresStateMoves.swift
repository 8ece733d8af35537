import ConcertCore

/// The counter changes of the moves into and out of `sending` in one transaction, written once
/// at its end into this instance's counter rows (`concertd_count`), as the SQLite store's
/// `StateMoveCounts` does into its one row per name (schema v5, v9).
struct PostgresStateMoves {
    private var deltas: [Delivery.State: Int] = [:]
    private var finishedTotals: [String: Int] = [:]

    mutating func entered(from state: Delivery.State) {
        deltas[state, default: 0] -= 1
        deltas[.sending, default: 0] += 1
    }

    mutating func left(to state: Delivery.State, count: Int) {
        guard count > 0, state != .sending else { return }
        deltas[.sending, default: 0] -= count
        deltas[state, default: 0] += count
    }

    mutating func finished(_ record: DeliveryRecord) {
        guard record.newState.isFinal else { return }
        finishedTotals[
            FinishedDeliveryCount.counterName(
                state: record.newState, kind: record.delivery.kind, channel: record.subscription.channel.metricsName),
            default: 0] += 1
    }

    func count(_ connection: PostgresConnection) throws {
        let changes =
            deltas.filter { $0.value != 0 }.map { ("delivery." + $0.key.rawValue, $0.value) }
            + finishedTotals.map { ($0.key, $0.value) }
        for (name, delta) in changes.sorted(by: { $0.0 < $1.0 }) {
            try connection.query("SELECT concertd_count($1, $2)", [.text(name), .integer(Int64(delta))])
        }
    }
}

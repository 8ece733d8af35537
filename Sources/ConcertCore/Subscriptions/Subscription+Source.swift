extension Subscription {
    /// How a subscription was made, kept in its row and counted per state in the
    /// store's running counters, for `concertd_subscriptions{state,source}`.
    public enum Source: String, Sendable, CaseIterable {
        /// One `subscribe` over the control socket.
        case control
        /// A bulk import (`concertctl subscribe --from`).
        case `import`
        /// Confirmed on the web front door (or restored there by an undo).
        case web
        /// Made before schema v8, which cannot tell a subscribe from an import.
        case unknown

        /// The running counter of this source's subscriptions in `state`:
        /// `subscription_source.import.active`.
        public static func counterName(_ source: Source, _ state: State) -> String {
            "subscription_source.\(source.rawValue).\(state.rawValue)"
        }
    }
}

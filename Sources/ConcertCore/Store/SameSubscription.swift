/// The rule of "the same subscription" (``SubscriptionStore``), applied by each engine to the
/// rows it found: the subscriptions not removed with the new one's channel address, format and
/// language. One refusal, worded once, on every engine.
package enum SameSubscription {
    /// A stored subscription that may ask for the same as a new one, as an engine reads it.
    package struct Candidate {
        package var id: String
        /// The stored comma-separated lists.
        package var cities: String
        package var offsets: String
        package var state: String

        package init(id: String, cities: String, offsets: String, state: String) {
            self.id = id
            self.cities = cities
            self.offsets = offsets
            self.state = state
        }
    }

    /// The `conflict` refusing `new` when one of `candidates` (in the order they were made) has
    /// the same set of cities and the same set of offsets; `nil` when none has.
    package static func refusal(of new: NewSubscription, among candidates: [Candidate]) -> StoreError? {
        guard let candidate = first(of: new, among: candidates) else { return nil }
        let id = candidate.id
        let advice =
            switch Subscription.State(rawValue: candidate.state) {
            case .paused?, .disabled?: "it is \(candidate.state): `concertctl resume \(id)` resumes it"
            default: "unsubscribe it first to change its label or secret"
            }
        return StoreError(
            .conflict,
            "this channel already has the same subscription (cities, reminders and language): \(id); \(advice)")
    }

    /// The first of `candidates` (in the order they were made) with the same set of cities and
    /// the same set of offsets as `new`, if any.
    package static func first(of new: NewSubscription, among candidates: [Candidate]) -> Candidate? {
        guard !candidates.isEmpty else { return nil }
        let cities = Set(new.cities)
        let offsets = Set(new.offsets.map(\.seconds))
        return candidates.first {
            Set($0.cities.split(separator: ",").map(String.init)) == cities
                && Set($0.offsets.split(separator: ",").compactMap { Int($0) }) == offsets
        }
    }
}

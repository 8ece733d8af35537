extension ConfigurationDraft {
    /// Requires `lower` not to exceed `upper` (`max_in_flight_per_destination` ≤ `max_in_flight`).
    ///
    /// The problem names each value and says which one is a default the operator never set, and
    /// what to set: `max_in_flight_per_destination (8, the default: not set) is more than
    /// max_in_flight (4): set max_in_flight_per_destination = 4 or less`.
    ///
    /// - Parameters:
    ///   - exceeds: the words for "is more than" (`is longer than` for durations).
    ///   - render: how values are written in the file (`30s`, `8`).
    mutating func require<Value: Comparable>(
        _ lower: String, _ lowerValue: Value, notAbove upper: String, _ upperValue: Value,
        exceeds: String = "is more than", render: (Value) -> String
    ) {
        guard lowerValue > upperValue else { return }
        func named(_ key: String, _ value: Value) -> String {
            origins[key] == nil ? "\(key) (\(render(value)), the default: not set)" : "\(key) (\(render(value)))"
        }
        let advice: String
        switch (origins[lower] != nil, origins[upper] != nil) {
        case (false, _): advice = "set \(lower) = \(render(upperValue)) or less"
        case (true, false): advice = "set \(upper) = \(render(lowerValue)) or more, or lower \(lower)"
        case (true, true): advice = "lower \(lower) or raise \(upper)"
        }
        problem(
            amongKeys: [lower, upper],
            "\(named(lower, lowerValue)) \(exceeds) \(named(upper, upperValue)): \(advice)")
    }
}

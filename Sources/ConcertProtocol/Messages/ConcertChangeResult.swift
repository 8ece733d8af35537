/// The result of `concert.add`, `concert.reschedule`, `concert.cancel` and `concert.reset`.
public struct ConcertChangeResult: Codable, Sendable, Hashable {
    /// The concert as it now stands.
    public var concert: ConcertInfo
    /// How many notices (new concert, change, cancellation) this request queued for subscribers.
    public var notices: Int
    /// Whether the concert changed; false when the request asked for what it already was.
    public var changed: Bool
    /// What the operator should know: who was told and who was not, what the catalog now does
    /// with the concert, a value chosen because none was given.
    public var warnings: [String]

    public init(concert: ConcertInfo, notices: Int, changed: Bool = true, warnings: [String] = []) {
        self.concert = concert
        self.notices = notices
        self.changed = changed
        self.warnings = warnings
    }

    private enum CodingKeys: String, CodingKey {
        case concert, notices, changed, warnings
    }

    /// `changed` and `warnings` are read as `true` and `[]` when absent (a daemon older than them).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        concert = try container.decode(ConcertInfo.self, forKey: .concert)
        notices = try container.decode(Int.self, forKey: .notices)
        changed = try container.decodeIfPresent(Bool.self, forKey: .changed) ?? true
        warnings = try container.decodeIfPresent([String].self, forKey: .warnings) ?? []
    }
}

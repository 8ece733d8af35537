import Foundation

extension Subscription: PositionalColumns {
    package static let columnNames = [
        "id", "channel", "target", "format", "secret", "cities", "offsets", "lang", "label", "state", "state_reason",
        "created_at",
    ]

    /// Decodes the columns `columns(of:)` names, the first of them at `start`.
    package init(columns row: some PositionalRow, at start: Int32) {
        let s = start
        let target = row.text(s + 2)
        let channel: ChannelAddress =
            row.text(s + 1) == "email"
            ? .email(target)
            : .webhook(url: target, format: row.optionalText(s + 3) ?? "generic", secret: row.optionalText(s + 4))
        self.init(
            id: row.text(s), channel: channel, cities: row.text(s + 5).split(separator: ",").map(String.init),
            offsets: row.text(s + 6).split(separator: ",").compactMap { Int($0) }.map(ReminderOffset.init),
            language: Language(rawValue: row.text(s + 7)) ?? .ko, label: row.optionalText(s + 8),
            state: Subscription.State(rawValue: row.text(s + 9)) ?? .active, stateReason: row.optionalText(s + 10),
            createdAt: Date(millis: row.int64(s + 11)))
    }
}

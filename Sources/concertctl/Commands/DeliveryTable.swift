import ConcertProtocol

extension TextTable {
    /// The table of `upcoming` and `deliveries`.
    static func deliveries(_ deliveries: [DeliveryInfo], showErrors: Bool) -> TextTable {
        var table =
            showErrors
            ? TextTable("ID", "DUE", "STATE", "KIND", "OFFSET", "SUBSCRIPTION", "CONCERT", "ATTEMPTS", "LAST ERROR")
            : TextTable("ID", "DUE", "STATE", "KIND", "OFFSET", "SUBSCRIPTION", "CONCERT")
        for delivery in deliveries {
            var cells = [
                String(delivery.id), Display.time(delivery.due),
                delivery.state + (delivery.reason.map { " (\($0))" } ?? ""), delivery.kind, delivery.offset,
                delivery.subscription, delivery.concert,
            ]
            if showErrors { cells += [String(delivery.attempts), delivery.lastError ?? ""] }
            table.rows.append(cells)
        }
        return table
    }
}

import ConcertProtocol

extension PagedTable {
    /// The table of `upcoming` and `deliveries`.
    static func deliveries(showErrors: Bool) -> PagedTable {
        showErrors
            ? PagedTable("ID", "DUE", "STATE", "KIND", "OFFSET", "SUBSCRIPTION", "CONCERT", "ATTEMPTS", "LAST ERROR")
            : PagedTable("ID", "DUE", "STATE", "KIND", "OFFSET", "SUBSCRIPTION", "CONCERT")
    }

    /// The cells of `deliveries`, one row each, for ``deliveries(showErrors:)``.
    static func rows(_ deliveries: [DeliveryInfo], showErrors: Bool) -> [[String]] {
        deliveries.map { delivery in
            var cells = [
                String(delivery.id), Display.time(delivery.due),
                delivery.state + (delivery.reason.map { " (\($0))" } ?? ""), delivery.kind, delivery.offset,
                delivery.subscription, delivery.concert,
            ]
            if showErrors { cells += [String(delivery.attempts), delivery.lastError ?? ""] }
            return cells
        }
    }
}

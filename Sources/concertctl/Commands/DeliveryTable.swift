import ConcertProtocol

extension PagedTable {
    /// The table of `deliveries`.
    ///
    /// WHEN is the next attempt of a row being retried, or the moment a row was sent, failed or
    /// skipped; REPLY the receiver's answer to the last attempt.
    /// The table of `upcoming`: rows not finished yet, so no WHEN column; a row being retried
    /// says its next attempt in STATE.
    static func upcoming() -> PagedTable {
        PagedTable("ID", "DUE", "STATE", "KIND", "OFFSET", "SUBSCRIPTION", "CONCERT")
    }

    /// The cells of `upcoming`, one row each, for ``upcoming()``.
    static func upcomingRows(_ deliveries: [DeliveryInfo]) -> [[String]] {
        deliveries.map { delivery in
            let state = delivery.state + (delivery.nextAttempt.map { " (next \(Display.time($0)))" } ?? "")
            return [
                String(delivery.id), Display.time(delivery.due), state, delivery.kind, Display.offset(delivery),
                delivery.subscription, delivery.concert,
            ]
        }
    }

    /// With `instances` (a store several instances share), INSTANCE names the one that made the
    /// last attempt, before REPLY.
    static func deliveries(showErrors: Bool, instances: Bool = false) -> PagedTable {
        switch (showErrors, instances) {
        case (true, true):
            PagedTable(
                "ID", "DUE", "STATE", "WHEN", "KIND", "OFFSET", "SUBSCRIPTION", "CONCERT", "ATTEMPTS", "INSTANCE",
                "REPLY", "LAST ERROR")
        case (true, false):
            PagedTable(
                "ID", "DUE", "STATE", "WHEN", "KIND", "OFFSET", "SUBSCRIPTION", "CONCERT", "ATTEMPTS", "REPLY",
                "LAST ERROR")
        case (false, _):
            PagedTable("ID", "DUE", "STATE", "WHEN", "KIND", "OFFSET", "SUBSCRIPTION", "CONCERT")
        }
    }

    /// The cells of `deliveries`, one row each, for ``deliveries(showErrors:instances:)``.
    static func rows(_ deliveries: [DeliveryInfo], showErrors: Bool, instances: Bool = false) -> [[String]] {
        deliveries.map { delivery in
            let when =
                delivery.nextAttempt.map { "next " + Display.time($0) } ?? delivery.finished.map { Display.time($0) }
                ?? ""
            var cells = [
                String(delivery.id), Display.time(delivery.due),
                delivery.state + (delivery.reason.map { " (\($0))" } ?? ""), when, delivery.kind,
                Display.offset(delivery),
                delivery.subscription, delivery.concert,
            ]
            if showErrors {
                cells.append(String(delivery.attempts))
                if instances { cells.append(delivery.instance ?? "") }
                cells += [delivery.reply ?? "", delivery.lastError ?? ""]
            }
            return cells
        }
    }
}

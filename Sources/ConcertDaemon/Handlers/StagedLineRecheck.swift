import ConcertCore

extension DaemonControlHandler {
    /// Why a line staged for import may no longer be stored, checked at commit against the
    /// catalog and configuration in force then: a reload between stage and commit may have
    /// dropped one of its cities (a reload refuses to drop a city that stored subscriptions
    /// name, but staged lines are not stored yet), turned email off or denied its webhook's
    /// address. `nil` when the line still passes what `subscribe` checks of them.
    static func stagedLineProblem(
        _ subscription: NewSubscription, catalog: Catalog, configuration: DaemonConfiguration
    ) -> String? {
        if let missing = subscription.cities.first(where: { catalog.city(id: $0) == nil }) {
            return "unknown city '\(missing)': the catalog was reloaded without it since the line was staged; known: "
                + catalog.cities.map(\.id).joined(separator: ", ")
        }
        switch subscription.channel {
        case .email:
            guard configuration.smtpURL == nil else { return nil }
            return "email reminders are off on this daemon: smtp_url was removed since the line was staged; "
                + "subscribe a webhook, or ask the administrator to set smtp_url and mail_from"
        case .webhook(let url, _, _):
            guard let problem = configuration.webhookDeny.problem(withURL: url) else { return nil }
            return "invalid webhook URL: \(problem)"
        }
    }
}

import Foundation

extension ConfigurationDraft {
    /// Rules that involve several keys; run after the flags are applied, since a flag can break them.
    ///
    /// The SMTP password's own checks run after it is looked up (``checkPassword()``).
    mutating func checkConsistency() {
        let c = configuration
        if c.smtpURL != nil && c.mailFrom == nil {
            problem("smtp_url", "mail_from is required when smtp_url is set (the From address of every email)")
        }
        if c.maxInFlightPerDestination > c.maxInFlight {
            problem(
                amongKeys: ["max_in_flight_per_destination", "max_in_flight"],
                "max_in_flight_per_destination (\(c.maxInFlightPerDestination)) is more than max_in_flight (\(c.maxInFlight))"
            )
        }
        if c.retryInitial > c.retryMax {
            problem(
                amongKeys: ["retry_initial", "retry_max"],
                "retry_initial (\(c.retryInitial.configurationText)) is longer than retry_max (\(c.retryMax.configurationText))"
            )
        }
        if c.httpConnectTimeout > c.httpTimeout {
            problem(
                amongKeys: ["http_connect_timeout", "http_timeout"],
                "http_connect_timeout (\(c.httpConnectTimeout.configurationText)) is longer than http_timeout (\(c.httpTimeout.configurationText))"
            )
        }
        if c.smtpConnectTimeout > c.smtpTimeout {
            problem(
                amongKeys: ["smtp_connect_timeout", "smtp_timeout"],
                "smtp_connect_timeout (\(c.smtpConnectTimeout.configurationText)) is longer than smtp_timeout (\(c.smtpTimeout.configurationText))"
            )
        }
        if c.mailFromName != nil {
            if c.mailFrom == nil {
                problem("mail_from_name", "mail_from_name needs mail_from")
            } else if c.mailFrom?.displayName != nil {
                problem(
                    amongKeys: ["mail_from_name", "mail_from"],
                    "mail_from already has a display name; keep one of the two")
            }
        }
        checkEmailSettings()
        if c.unsubscribeURLTemplate != nil && c.unsubscribeMailto == nil {
            problem(
                "unsubscribe_url_template",
                "unsubscribe_url_template needs unsubscribe_mailto (List-Unsubscribe always offers the mailto form)")
        }
    }

    /// The settings the email channel is built with pass the message builder's own checks: whatever
    /// the builder would refuse for every message is refused here, on the key it comes from.
    private mutating func checkEmailSettings() {
        guard let settings = configuration.emailSettings else { return }
        for (setting, message) in settings.problemsBySetting() {
            let keys: [String]
            switch setting {
            case .fromAddress, .messageIDDomain: keys = ["mail_from"]
            case .fromName: keys = ["mail_from_name", "mail_from"]
            case .replyTo, .replyToName: keys = ["reply_to"]
            case .unsubscribeMailto: keys = ["unsubscribe_mailto"]
            case .unsubscribeURLTemplate: keys = ["unsubscribe_url_template"]
            }
            problem(amongKeys: keys, "the message could not be built: \(setting.rawValue) \(message)")
        }
    }
}

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
        require(
            "max_in_flight_per_destination", c.maxInFlightPerDestination, notAbove: "max_in_flight", c.maxInFlight,
            render: String.init)
        require(
            "retry_initial", c.retryInitial, notAbove: "retry_max", c.retryMax, exceeds: "is longer than",
            render: \.configurationText)
        require(
            "http_connect_timeout", c.httpConnectTimeout, notAbove: "http_timeout", c.httpTimeout,
            exceeds: "is longer than", render: \.configurationText)
        require(
            "smtp_connect_timeout", c.smtpConnectTimeout, notAbove: "smtp_timeout", c.smtpTimeout,
            exceeds: "is longer than", render: \.configurationText)
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

import Foundation

extension ConfigurationDraft {
    /// Rules that involve several keys; run after the flags are applied, since a flag can break them.
    mutating func checkConsistency() {
        let c = configuration
        let passwordKeys = Self.passwordKeys.filter(isSet)
        if let url = c.smtpURL {
            if c.mailFrom == nil {
                problem("smtp_url", "mail_from is required when smtp_url is set (the From address of every email)")
            }
            if url.user != nil && passwordKeys.isEmpty {
                problem(
                    "smtp_url",
                    "smtp_url names a user but no password is configured: set smtp_password_file, smtp_password_env or smtp_password_credential"
                )
            }
            if url.user == nil, let key = passwordKeys.first {
                problem(key, "a password is configured but smtp_url names no user: write smtp://user@host")
            }
        } else if let key = passwordKeys.first {
            problem(key, "a password is configured but smtp_url is not set")
        }
        if passwordKeys.count > 1 {
            problem(passwordKeys[1], "only one of \(passwordKeys.joined(separator: " and ")) may be set")
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
        if c.unsubscribeURLTemplate != nil && c.unsubscribeMailto == nil {
            problem(
                "unsubscribe_url_template",
                "unsubscribe_url_template needs unsubscribe_mailto (List-Unsubscribe always offers the mailto form)")
        }
    }

    /// Reads the SMTP password from the one source the configuration names.
    mutating func loadPassword(environment: [String: String]) {
        let c = configuration
        configuration.smtpPassword = nil
        if let path = c.smtpPasswordFile {
            configuration.smtpPassword = readPasswordFile(path, key: "smtp_password_file")
        } else if let name = c.smtpPasswordEnv {
            switch environment[name] {
            case nil: problem("smtp_password_env", "the environment variable \(name) is not set")
            case ""?: problem("smtp_password_env", "the environment variable \(name) is empty")
            case let value?: configuration.smtpPassword = Secret(value)
            }
        } else if let name = c.smtpPasswordCredential {
            guard let directory = environment["CREDENTIALS_DIRECTORY"], directory.hasPrefix("/") else {
                problem(
                    "smtp_password_credential",
                    "$CREDENTIALS_DIRECTORY is not set: the service needs LoadCredential=\(name):/path/to/password-file"
                )
                return
            }
            configuration.smtpPassword = readPasswordFile("\(directory)/\(name)", key: "smtp_password_credential")
        } else if let directory = environment["CREDENTIALS_DIRECTORY"], directory.hasPrefix("/"),
            FileManager.default.isReadableFile(atPath: "\(directory)/\(Self.conventionalCredential)")
        {
            // The drop-in alone is enough: LoadCredential=smtp-password:… with no key set.
            configuration.smtpPassword = readPasswordFile(
                "\(directory)/\(Self.conventionalCredential)", key: "smtp_password_credential")
        }
    }

    /// The credential read when no password key is set: `LoadCredential=smtp-password:…`.
    static let conventionalCredential = "smtp-password"

    private static let passwordKeys = ["smtp_password_file", "smtp_password_env", "smtp_password_credential"]

    private func isSet(_ key: String) -> Bool {
        switch key {
        case "smtp_password_file": configuration.smtpPasswordFile != nil
        case "smtp_password_env": configuration.smtpPasswordEnv != nil
        case "smtp_password_credential": configuration.smtpPasswordCredential != nil
        default: false
        }
    }

    /// The file's content without one trailing newline; a problem (never quoting the content) otherwise.
    private mutating func readPasswordFile(_ path: String, key: String) -> Secret? {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            problem(key, "cannot read the password file \(path): \(ConfigurationLoader.reason(error))")
            return nil
        }
        guard var text = String(data: data, encoding: .utf8) else {
            problem(key, "the password file \(path) is not UTF-8 text")
            return nil
        }
        if text.last?.isNewline == true {  // "\r\n" is one Character
            text.removeLast()
        }
        guard !text.isEmpty else {
            problem(key, "the password file \(path) is empty")
            return nil
        }
        guard !text.contains(where: \.isNewline) else {
            problem(key, "the password file \(path) has more than one line")
            return nil
        }
        return Secret(text)
    }
}

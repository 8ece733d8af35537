/// One key of the configuration file: its name, the field it sets, how its value is read.
struct ConfigurationKey: Sendable {
    let name: String
    /// The command-line flag that overrides this key, if any.
    let flag: String?
    /// Whether a change only takes effect at the next start (a reload keeps the running value).
    let requiresRestart: Bool
    /// Whether an empty value is accepted (it leaves an optional key unset).
    let allowsEmpty: Bool
    /// The least and greatest value of a bounded number or duration.
    let range: ConfigurationValueRange?
    /// Parses `text` and stores the value in the configuration.
    let assign: @Sendable (String, inout DaemonConfiguration) throws(ConfigurationValueError) -> Void
    /// The key's value in a configuration, written as the file would write it.
    let render: @Sendable (DaemonConfiguration) -> String

    init<Value: Sendable>(
        _ name: String,
        _ field: any WritableKeyPath<DaemonConfiguration, Value> & Sendable,
        _ format: ConfigurationValueFormat<Value>,
        flag: String? = nil,
        requiresRestart: Bool = false
    ) {
        self.name = name
        self.flag = flag
        self.requiresRestart = requiresRestart
        self.allowsEmpty = format.allowsEmpty
        self.range = format.range
        let parse = format.parse
        let render = format.render
        self.assign = { (text: String, configuration: inout DaemonConfiguration) throws(ConfigurationValueError) in
            configuration[keyPath: field] = try parse(text)
        }
        self.render = { render($0[keyPath: field]) }
    }

    /// An optional key: an empty value leaves it `nil`, the built-in behaviour.
    init<Value: Sendable>(
        _ name: String,
        _ field: any WritableKeyPath<DaemonConfiguration, Value?> & Sendable,
        optional format: ConfigurationValueFormat<Value>,
        flag: String? = nil,
        requiresRestart: Bool = false
    ) {
        self.init(name, field, format.optional(), flag: flag, requiresRestart: requiresRestart)
    }
}

extension DaemonConfiguration {
    /// Every key of the file, in the order the shipped file documents them.
    static let keys: [ConfigurationKey] = [
        .init("state_directory", \.stateDirectory, optional: .absolutePath, flag: "--state-dir", requiresRestart: true),
        .init("socket_path", \.socketPath, optional: .absolutePath, flag: "--socket", requiresRestart: true),
        .init("socket_group", \.socketGroup, optional: .groupName, requiresRestart: true),
        .init(
            "control_idle_timeout", \.controlIdleTimeout, .duration(in: .seconds(1)...Duration.seconds(86_400)),
            requiresRestart: true),
        .init("control_max_clients", \.controlMaxClients, .integer(in: 1...1024), requiresRestart: true),
        .init("catalog", \.catalogPath, optional: .absolutePath, flag: "--catalog"),
        .init("templates_directory", \.templatesDirectory, optional: .absolutePath),
        .init("log_level", \.logLevel, .logLevel, flag: "--log-level"),
        .init("watchdog", \.watchdog, .boolean, requiresRestart: true),
        .init(
            "metrics_listen", \.metricsListen, optional: .listenAddress, flag: "--metrics-listen",
            requiresRestart: true),
        .init("max_in_flight", \.maxInFlight, .integer(in: 1...10_000)),
        .init("max_in_flight_per_destination", \.maxInFlightPerDestination, .integer(in: 1...10_000)),
        .init("shutdown_grace", \.shutdownGrace, .duration(in: .zero...Duration.seconds(3600))),
        .init("retry_initial", \.retryInitial, .duration(in: .seconds(1)...Duration.seconds(86_400))),
        .init("retry_max", \.retryMax, .duration(in: .seconds(1)...Duration.seconds(7 * 86_400))),
        .init("retry_max_attempts", \.retryMaxAttempts, .integer(in: 1...1000)),
        .init("confirmations", \.confirmations, .boolean),
        .init("default_reminders", \.defaultReminders, .offsets),
        .init("default_language", \.defaultLanguage, .language),
        .init("http_connect_timeout", \.httpConnectTimeout, .duration(in: .milliseconds(100)...Duration.seconds(600))),
        .init("http_timeout", \.httpTimeout, .duration(in: .milliseconds(100)...Duration.seconds(3600))),
        // The one libcurl transport is made at start with these two.
        .init("http_ca_bundle", \.httpCABundle, optional: .absolutePath, requiresRestart: true),
        .init("http_max_response_bytes", \.httpMaxResponseBytes, .integer(in: 0...16_777_216), requiresRestart: true),
        .init("webhook_deny", \.webhookDeny, .networkList),
        .init("smtp_url", \.smtpURL, optional: .smtpURL, flag: "--smtp"),
        .init("smtp_password_file", \.smtpPasswordFile, optional: .absolutePath),
        .init("smtp_password_env", \.smtpPasswordEnv, optional: .environmentName),
        .init("smtp_password_credential", \.smtpPasswordCredential, optional: .credentialName),
        .init("smtp_require_tls", \.smtpRequireTLS, optional: .boolean),
        .init("smtp_connect_timeout", \.smtpConnectTimeout, .duration(in: .milliseconds(100)...Duration.seconds(600))),
        .init("smtp_timeout", \.smtpTimeout, .duration(in: .milliseconds(100)...Duration.seconds(3600))),
        .init("smtp_ca_bundle", \.smtpCABundle, optional: .absolutePath),
        .init("mail_from", \.mailFrom, optional: .mailbox, flag: "--mail-from"),
        .init("mail_from_name", \.mailFromName, optional: .displayName),
        .init("mail_envelope_from", \.mailEnvelopeFrom, optional: .address),
        .init("reply_to", \.replyTo, optional: .mailbox),
        .init("unsubscribe_mailto", \.unsubscribeMailto, optional: .address),
        .init("unsubscribe_url_template", \.unsubscribeURLTemplate, optional: .unsubscribeURLTemplate),
        .init("web_listen", \.webListen, optional: .listenAddress, flag: "--web-listen", requiresRestart: true),
        .init("web_base_url", \.webBaseURL, optional: .webBaseURL, requiresRestart: true),
        .init("web_trusted_proxies", \.webTrustedProxies, .trustedProxies, requiresRestart: true),
        .init(
            "web_confirmations_per_address", \.webConfirmationsPerAddress, .integer(in: 1...100),
            requiresRestart: true),
        .init(
            "web_confirmations_per_client", \.webConfirmationsPerClient, .integer(in: 1...10_000),
            requiresRestart: true),
        .init("web_webhooks", \.webWebhooks, .boolean, requiresRestart: true),
        .init("web_webhook_hosts", \.webWebhookHosts, .hostList, requiresRestart: true),
        .init(
            "database_url", \.databaseURL, optional: .databaseURL, flag: "--database-url", requiresRestart: true),
        .init("database_password_file", \.databasePasswordFile, optional: .absolutePath, requiresRestart: true),
        .init("database_password_env", \.databasePasswordEnv, optional: .environmentName, requiresRestart: true),
        .init(
            "database_password_credential", \.databasePasswordCredential, optional: .credentialName,
            requiresRestart: true),
        .init("instance_name", \.instanceName, optional: .instanceName, requiresRestart: true),
    ]

    /// The keys by name.
    static let keysByName: [String: ConfigurationKey] = Dictionary(uniqueKeysWithValues: keys.map { ($0.name, $0) })

    /// The name of every key the file accepts, in the order the shipped file documents them.
    public static var keyNames: [String] { keys.map(\.name) }

    /// The keys whose value differs between `self` and `other` but only changes at a restart:
    /// a reload keeps the running value of these and should say so.
    public func keysRequiringRestart(toBecome other: DaemonConfiguration) -> [String] {
        Self.keys.filter { $0.requiresRestart && $0.render(self) != $0.render(other) }.map(\.name)
    }
}

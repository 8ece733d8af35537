import Foundation
import Logging

/// Everything an administrator can set, each field with its built-in default.
///
/// Each field's comment starts with its key in the file (`max_in_flight` sets `maxInFlight`); the shipped
/// `etc/concertd/concertd.conf` lists every key, commented out, with this default, and a test
/// keeps the two in step. Precedence: command-line flags, then the file, then these defaults
/// (``ConfigurationResolver``). An optional field left `nil` means "decide at run time", as its
/// comment says.
public struct DaemonConfiguration: Sendable, Hashable {
    // MARK: Files and the control socket

    /// `state_directory`: where the SQLite database lives. `nil`: `$STATE_DIRECTORY` under
    /// systemd, else `$XDG_STATE_HOME/concertd` (see ``DefaultPaths``). Read at start only.
    public var stateDirectory: String? = nil
    /// `socket_path`: the control socket. `nil`: `$RUNTIME_DIRECTORY/control.sock` under systemd,
    /// else `$XDG_RUNTIME_DIR/concertd/control.sock`. Read at start only.
    public var socketPath: String? = nil
    /// `socket_group`: the group that owns the control socket and its directory; its members may
    /// use `concertctl`. `nil`: the daemon's own primary group. Read at start only.
    public var socketGroup: String? = nil
    /// `control_idle_timeout`: a control connection that sends no request for this long (from its
    /// start or its last reply; blank lines do not count) is closed. Read at start only.
    public var controlIdleTimeout: Duration = .seconds(30)
    /// `control_max_clients`: control connections served at once; more are refused with
    /// `unavailable`, except that root and the daemon's user have 4 more. Read at start only.
    public var controlMaxClients: Int = 32
    /// `catalog`: the concert catalog. `nil`: `$CONFIGURATION_DIRECTORY/concerts.json5` under
    /// systemd, else `/etc/concertd/concerts.json5`.
    public var catalogPath: String? = nil
    /// `templates_directory`: message templates, one per kind and language. `nil`:
    /// `$CONFIGURATION_DIRECTORY/templates` under systemd, else `/etc/concertd/templates`; a
    /// template missing there uses the built-in text.
    public var templatesDirectory: String? = nil

    // MARK: Logging and systemd

    /// `log_level`: the least severe level written to stderr.
    public var logLevel: Logger.Level = .info
    /// `watchdog`: answer systemd's watchdog (`WatchdogSec=`) with `WATCHDOG=1` at half its interval.
    public var watchdog: Bool = true
    /// `metrics_listen`: `HOST:PORT` where `/metrics` (Prometheus) and `/healthz` are served over
    /// HTTP. `nil`: no listener. Read at start only.
    public var metricsListen: ListenAddress? = nil

    // MARK: Scheduling and retries

    /// `max_in_flight`: sends in progress at once, over all destinations. After a crash at most
    /// this many reminders can be sent twice.
    public var maxInFlight: Int = 64
    /// `max_in_flight_per_destination`: sends in progress at once to one destination (a webhook
    /// URL's host, or the smarthost), so one slow server cannot hold up the others.
    public var maxInFlightPerDestination: Int = 8
    /// `shutdown_grace`: on SIGTERM, how long sends already in flight may take to finish.
    public var shutdownGrace: Duration = .seconds(10)
    /// `retry_initial`: the delay before the first retry; each next one doubles (with jitter).
    public var retryInitial: Duration = .seconds(30)
    /// `retry_max`: the longest delay between two retries.
    public var retryMax: Duration = .seconds(3600)
    /// `retry_max_attempts`: attempts (the first send included) before a message is marked failed.
    /// Retries also stop when the concert starts.
    public var retryMaxAttempts: Int = 10
    /// `confirmations`: send a short confirmation naming the next concert when a subscription is
    /// added (`concertctl subscribe --quiet` skips it for one subscription).
    public var confirmations: Bool = true
    /// `default_reminders`: how long before a concert reminders go out when a subscription names
    /// no `--before`.
    public var defaultReminders: [ReminderOffset] = ReminderOffset.defaults
    /// `default_language`: the language of a subscription that names no `--lang`.
    public var defaultLanguage: Language = .ko

    // MARK: Webhooks over HTTP

    /// `http_connect_timeout`: the longest wait for a TCP and TLS connection.
    public var httpConnectTimeout: Duration = .seconds(10)
    /// `http_timeout`: the longest a whole webhook request may take.
    public var httpTimeout: Duration = .seconds(30)
    /// `http_ca_bundle`: a PEM file of the CAs trusted for webhooks. `nil`: the system's store.
    /// Read at start only.
    public var httpCABundle: String? = nil
    /// `http_max_response_bytes`: how much of a response body is read; the rest is discarded.
    /// Read at start only.
    public var httpMaxResponseBytes: Int = 65_536
    /// `webhook_deny`: networks no webhook may connect to, checked on each address a host
    /// resolves to when connecting (see ``AddressDenyList``). `none` allows every address.
    public var webhookDeny: AddressDenyList = .linkLocal

    // MARK: Email over SMTP

    /// `smtp_url`: the smarthost. `nil`: email is off and email subscriptions are refused.
    public var smtpURL: SMTPURL? = nil
    /// `smtp_password_file`: a file whose content (one trailing newline removed) is the password.
    public var smtpPasswordFile: String? = nil
    /// `smtp_password_env`: the name of an environment variable holding the password.
    public var smtpPasswordEnv: String? = nil
    /// `smtp_password_credential`: the name of a systemd credential (`LoadCredential=`) holding
    /// the password, read from `$CREDENTIALS_DIRECTORY`.
    public var smtpPasswordCredential: String? = nil
    /// `smtp_require_tls`: refuse to send without TLS. `false` still uses STARTTLS when offered.
    /// `nil`: required whenever a password is set (see ``smtpRequiresTLS``).
    public var smtpRequireTLS: Bool? = nil
    /// `smtp_connect_timeout`: the longest wait for the smarthost to answer.
    public var smtpConnectTimeout: Duration = .seconds(10)
    /// `smtp_timeout`: the longest one message may take, from connect to the final reply.
    public var smtpTimeout: Duration = .seconds(60)
    /// `smtp_ca_bundle`: a PEM file of the CAs trusted for the smarthost (not for webhooks).
    /// `nil`: the system's store.
    public var smtpCABundle: String? = nil
    /// The password, read from the source named above when the file was loaded. Never printed.
    public var smtpPassword: Secret? = nil

    // MARK: The messages

    /// `mail_from`: the From address (`Name <address>` allowed). Required when `smtp_url` is set.
    public var mailFrom: Mailbox? = nil
    /// `mail_from_name`: the From display name, when `mail_from` has none.
    public var mailFromName: String? = nil
    /// `mail_envelope_from`: the envelope sender (`MAIL FROM`). `nil`: the From address.
    public var mailEnvelopeFrom: String? = nil
    /// `reply_to`: a Reply-To address (`Name <address>` allowed). `nil`: no Reply-To.
    public var replyTo: Mailbox? = nil
    /// `unsubscribe_mailto`: the address of `List-Unsubscribe: <mailto:…>`. `nil`: no header.
    public var unsubscribeMailto: String? = nil
    /// `unsubscribe_url_template`: an https URL added to `List-Unsubscribe`; `{subscription}` is
    /// replaced by the subscription id. With `web_listen` set, the front door's own links take its place.
    public var unsubscribeURLTemplate: String? = nil

    // MARK: The web front door

    /// `web_listen`: `HOST:PORT` of the web front door (subscribe, confirm, manage, one-click
    /// unsubscribe), meant to sit behind a TLS reverse proxy. `nil`: off. Read at start only.
    public var webListen: ListenAddress? = nil
    /// `web_base_url`: the public address used in links (`https://…`, or `http://` on a loopback
    /// host). `nil`: `http://` + `web_listen`. Read at start only.
    public var webBaseURL: String? = nil
    /// `web_trusted_proxies`: the reverse proxies whose `X-Forwarded-For` names the client.
    /// Read at start only.
    public var webTrustedProxies: TrustedProxies = .none
    /// `web_confirmations_per_address`: confirmation messages one address (or webhook) may be
    /// sent a day. Read at start only.
    public var webConfirmationsPerAddress: Int = 3
    /// `web_confirmations_per_client`: confirmation messages one client (an IPv4 address, an IPv6
    /// /64) may cause an hour. Read at start only.
    public var webConfirmationsPerClient: Int = 10
    /// `web_webhooks`: whether the front door offers to subscribe a chat channel. Read at start only.
    public var webWebhooks: Bool = false
    /// `web_webhook_hosts`: the webhook hosts the front door accepts. Read at start only.
    public var webWebhookHosts: [String] = WebWebhookHosts.standard

    // MARK: The shared store (PostgreSQL)

    /// `database_url`: a PostgreSQL server that holds the store, shared by every concertd instance
    /// given the same URL. `nil`: the SQLite file in the state directory. Read at start only.
    public var databaseURL: DatabaseURL? = nil
    /// `database_password_file`: a file whose content (one trailing newline removed) is the
    /// database password. Read at start only.
    public var databasePasswordFile: String? = nil
    /// `database_password_env`: the name of an environment variable holding the database password.
    public var databasePasswordEnv: String? = nil
    /// `database_password_credential`: the name of a systemd credential holding the database password.
    public var databasePasswordCredential: String? = nil
    /// The database password, read from the source named above when the file was loaded. Never printed.
    public var databasePassword: Secret? = nil
    /// `instance_name`: this instance's name among those sharing the database, shown in `status`
    /// and recorded with every delivery it claims. `nil`: the host name. Read at start only.
    public var instanceName: String? = nil

    // MARK: Set by flags only

    /// `--clock-start` / `--clock-rate`: a shifted scheduler clock. No file key (see ``ClockShift``).
    public var clockShift: ClockShift? = nil

    /// The built-in defaults.
    public init() {}

    /// Whether sending requires TLS: `smtp_require_tls` when set, else whenever a password is set.
    public var smtpRequiresTLS: Bool { smtpRequireTLS ?? (smtpPassword != nil) }

    /// The From header: `mail_from` with `mail_from_name` as its display name when it has none.
    public var effectiveMailFrom: Mailbox? {
        guard var mailbox = mailFrom else { return nil }
        if mailbox.displayName == nil { mailbox.displayName = mailFromName }
        return mailbox
    }

    /// The envelope sender: `mail_envelope_from`, else the From address.
    public var effectiveEnvelopeFrom: String? { mailEnvelopeFrom ?? mailFrom?.address }

    /// The public address of the front door's links: `web_base_url`, else `http://` + `web_listen`.
    public var effectiveWebBaseURL: String? {
        if let webBaseURL { return webBaseURL }
        return webListen.map { "http://\($0)" }
    }

    /// The secrets this configuration holds, for ``SecretRedactor``: the SMTP password in every
    /// form it crosses the wire in, and the database password.
    public var secrets: [String] {
        var secrets: [String] = []
        if let password = smtpPassword?.revealed {
            secrets += SecretRedactor.smtpCredentialForms(user: smtpURL?.user, password: password)
        }
        if let password = databasePassword?.revealed { secrets.append(password) }
        return secrets
    }

    /// This instance's name: `instance_name`, else the host name (at most 63 characters).
    public var effectiveInstanceName: String {
        if let instanceName { return instanceName }
        // gethostname, not ProcessInfo.hostName, which may ask DNS for a canonical name.
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "concertd" }
        let host = String(cString: buffer)
        return host.isEmpty ? "concertd" : String(host.prefix(63))
    }
}

import Foundation

/// How to reach the smarthost that every email is submitted to: its URL, the envelope sender,
/// the credentials and the TLS to insist on.
///
/// The description never shows the password.
public struct Smarthost: Sendable, Hashable, CustomStringConvertible {
    /// `smtp://host:port` (STARTTLS) or `smtps://host:port` (implicit TLS).
    public var url: String
    /// The envelope sender (`MAIL FROM`), a plain address.
    public var mailFrom: String
    public var username: String?
    public var password: String?
    /// STARTTLS must succeed before anything else is sent, or the smarthost counts as failed.
    /// When `false` STARTTLS is still used whenever the server offers it (opportunistic TLS), and the
    /// connection stays plain only with a server that does not; a certificate that cannot be
    /// verified fails the connection either way. There is no way to turn TLS off.
    public var requireTLS: Bool
    /// PEM bundle of the CAs trusted for the smarthost's certificate (`smtp_ca_bundle`); `nil`: the
    /// system's store. Webhooks have their own (``CurlTransport/Configuration/caBundlePath``).
    public var caBundlePath: String?
    public var timeouts: TransferTimeouts
    /// When these settings took effect (a reload); connections to the smarthost opened before
    /// are not reused, since libcurl would reuse a STARTTLS connection verified against another
    /// CA bundle. `nil`: any open connection with the same credentials may be reused.
    public var connectionsSince: ContinuousClock.Instant?

    /// `requireTLS` defaults to whether a password is set: credentials never travel in the clear
    /// unless asked for explicitly.
    public init(
        url: String, mailFrom: String, username: String? = nil, password: String? = nil, requireTLS: Bool? = nil,
        caBundlePath: String? = nil, timeouts: TransferTimeouts = .smtp
    ) {
        self.url = url
        self.mailFrom = mailFrom
        self.username = username
        self.password = password
        self.requireTLS = requireTLS ?? (password != nil)
        self.caBundlePath = caBundlePath
        self.timeouts = timeouts
    }

    public var description: String {
        var text = "Smarthost(\(url), from: \(mailFrom)"
        if let username { text += ", user: \(username)" }
        if password != nil { text += ", password: ***" }
        return text + ", requireTLS: \(requireTLS))"
    }

    /// Refuses an envelope sender that is not a plain address: the configuration's fault, not the
    /// message's, so it throws `destinationUnusable` and the smarthost is held. Checked before the
    /// message is built.
    func checkEnvelope() throws(TransferPreparationError) {
        guard !mailFrom.isEmpty,
            !mailFrom.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F || $0 == 0x3C || $0 == 0x3E })
        else { throw .destinationUnusable("the envelope sender '\(mailFrom)' is not a plain address") }
    }

    /// The submission of `message` (RFC 5322 bytes with CRLF line ends) to `recipients`.
    public func transfer(of message: Data, to recipients: [String]) -> MailTransfer {
        MailTransfer(
            url: url, mailFrom: mailFrom, recipients: recipients, username: username, password: password,
            requireTLS: requireTLS, caBundlePath: caBundlePath, message: message, timeouts: timeouts,
            reportedCommands: SMTPStage.reportedCommands, connectionsSince: connectionsSince)
    }
}

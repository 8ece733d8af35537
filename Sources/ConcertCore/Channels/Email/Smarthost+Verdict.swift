import Foundation

extension Smarthost {
    /// The verdict on a submission to this smarthost (``SMTPVerdict``), its text cleared of the
    /// password in every form AUTH sends it, which a quoting server may echo in a reply, and of URLs
    /// and token-like words (``SecretRedactor``).
    ///
    /// The one place where an email verdict is redacted: the reminders' channel and the web front
    /// door's confirmation mail both call it.
    public func verdict(of result: TransferResult) -> Verdict {
        SMTPVerdict.verdict(of: result).redacted(by: Self.redactors.redactor(user: username, password: password))
    }

    /// Every mail of a smarthost has the same credentials: their redactor (every encoded form of the
    /// password) is built once per credentials.
    private static let redactors = CredentialRedactorCache()
}

/// The redactor of the last SMTP credentials seen, built again only when they change (a reload).
private final class CredentialRedactorCache: @unchecked Sendable {
    private let lock = NSLock()
    private var key: [String?] = []
    private var cached = SecretRedactor()

    func redactor(user: String?, password: String?) -> SecretRedactor {
        lock.lock()
        defer { lock.unlock() }
        if key != [user, password] {
            key = [user, password]
            cached = SecretRedactor(
                knownSecrets: password.map { SecretRedactor.smtpCredentialForms(user: user, password: $0) } ?? [])
        }
        return cached
    }
}

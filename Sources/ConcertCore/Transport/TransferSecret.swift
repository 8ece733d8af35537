import Foundation

/// The secret of one transfer, kept until a text needs redacting.
enum TransferSecret {
    case none
    case url(String)
    /// The SMTP user and password: the password is hidden in every form it is sent in.
    case mailCredentials(user: String?, password: String?)

    var redactor: SecretRedactor {
        switch self {
        case .none: SecretRedactor()
        case .url(let url): SecretRedactor(knownSecrets: [url])
        case .mailCredentials(let user, let password):
            Self.mailRedactors.redactor(user: user, password: password)
        }
    }

    /// Every mail of a smarthost has the same credentials, and each of its replies is redacted:
    /// their redactor (every encoded form of the password) is built once per credentials.
    private static let mailRedactors = MailRedactorCache()
}

/// The redactor of the last SMTP credentials seen, built again only when they change (a reload).
private final class MailRedactorCache: @unchecked Sendable {
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

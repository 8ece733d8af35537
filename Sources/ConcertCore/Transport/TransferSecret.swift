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
            SecretRedactor(
                knownSecrets: password.map { SecretRedactor.smtpCredentialForms(user: user, password: $0) } ?? [])
        }
    }
}

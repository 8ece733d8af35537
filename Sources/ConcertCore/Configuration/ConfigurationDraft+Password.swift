import Foundation

extension ConfigurationDraft {
    /// Where the SMTP password was found, once ``lookUpPassword(environment:credentialsOnlyInService:)`` ran.
    enum PasswordSource: Sendable, Hashable {
        /// No key names a source and no conventional credential is there.
        case none
        /// The source the key names (`smtp_password_file`, `smtp_password_env` or
        /// `smtp_password_credential`), read or not: a problem of the key says why not.
        case key(String)
        /// `$CREDENTIALS_DIRECTORY/smtp-password`, read with no key set: the README's drop-in alone.
        case conventionalCredential
        /// A credential that only the service has, noted but not read (check-config from a shell).
        case credentialOutsideService
    }

    /// The credential read when no password key is set: `LoadCredential=smtp-password:…`.
    static let conventionalCredential = "smtp-password"

    static let passwordKeys = ["smtp_password_file", "smtp_password_env", "smtp_password_credential"]

    /// Looks the SMTP password up in the one source the configuration names, then checks that it
    /// fits `smtp_url`: every rule about the password sees the password as found, not only the keys.
    ///
    /// - Parameter credentialsOnlyInService: `$CREDENTIALS_DIRECTORY` unset means "not the service"
    ///   (`concertd check-config` from a shell) rather than "no credential": a password that would
    ///   come from a systemd credential is noted as unchecked instead of refused.
    mutating func loadPassword(environment: [String: String], credentialsOnlyInService: Bool = false) {
        let source = lookUpPassword(environment: environment, credentialsOnlyInService: credentialsOnlyInService)
        checkPassword(source)
    }

    private mutating func lookUpPassword(environment: [String: String], credentialsOnlyInService: Bool)
        -> PasswordSource
    {
        let c = configuration
        configuration.smtpPassword = nil
        let credentials = environment["CREDENTIALS_DIRECTORY"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        if let path = c.smtpPasswordFile {
            configuration.smtpPassword = readPasswordFile(path, key: "smtp_password_file")
            return .key("smtp_password_file")
        }
        if let name = c.smtpPasswordEnv {
            switch environment[name] {
            case nil: problem("smtp_password_env", "the environment variable \(name) is not set")
            case ""?: problem("smtp_password_env", "the environment variable \(name) is empty")
            case let value?: configuration.smtpPassword = Secret(value)
            }
            return .key("smtp_password_env")
        }
        if let name = c.smtpPasswordCredential {
            if let credentials {
                configuration.smtpPassword = readPasswordFile(
                    "\(credentials)/\(name)", key: "smtp_password_credential")
            } else if credentialsOnlyInService {
                note(
                    "smtp_password_credential",
                    "the password is the systemd credential \(name), which cannot be read outside the service ($CREDENTIALS_DIRECTORY is not set): the service needs LoadCredential=\(name):/path/to/password-file"
                )
                return .credentialOutsideService
            } else {
                problem(
                    "smtp_password_credential",
                    "$CREDENTIALS_DIRECTORY is not set: the service needs LoadCredential=\(name):/path/to/password-file"
                )
            }
            return .key("smtp_password_credential")
        }
        // The drop-in alone is enough: LoadCredential=smtp-password:… with no key set.
        if let credentials {
            let path = "\(credentials)/\(Self.conventionalCredential)"
            guard FileManager.default.fileExists(atPath: path) else { return .none }
            configuration.smtpPassword = readPasswordFile(path, key: "smtp_url")
            return .conventionalCredential
        }
        if credentialsOnlyInService && c.smtpURL?.user != nil {
            note(
                "smtp_url",
                "smtp_url names a user and no password key is set: the service reads the password from the systemd credential \(Self.conventionalCredential) (LoadCredential=\(Self.conventionalCredential):/etc/concertd/smtp-password), which cannot be read outside the service ($CREDENTIALS_DIRECTORY is not set)"
            )
            return .credentialOutsideService
        }
        return .none
    }

    /// ``checkPassword(_:)`` for a configuration whose password was read before (flags merged over it).
    mutating func checkPasswordInHand() {
        let key = Self.passwordKeys.first(where: isSet)
        checkPassword(
            key.map(PasswordSource.key) ?? (configuration.smtpPassword == nil ? .none : .conventionalCredential))
    }

    /// The rules between the password found and `smtp_url`: a user needs a password, a password needs
    /// a user, and only one key may name a source.
    private mutating func checkPassword(_ source: PasswordSource) {
        let url = configuration.smtpURL
        let keys = Self.passwordKeys.filter(isSet)
        switch source {
        case .none:
            if url?.user != nil {
                problem(
                    "smtp_url",
                    "smtp_url names a user but no password is configured: set smtp_password_file, smtp_password_env or smtp_password_credential, or give the service the credential \(Self.conventionalCredential) (LoadCredential=\(Self.conventionalCredential):/etc/concertd/smtp-password)"
                )
            }
        case .key(let key):
            if url == nil {
                problem(key, "a password is configured but smtp_url is not set")
            } else if url?.user == nil {
                problem(key, "a password is configured but smtp_url names no user: write smtp://user@host")
            }
        case .conventionalCredential:
            let dropIn = "remove the drop-in with LoadCredential=\(Self.conventionalCredential)"
            if url == nil {
                problem(
                    "smtp_url",
                    "the systemd credential \(Self.conventionalCredential) is loaded but smtp_url is not set: set smtp_url, or \(dropIn)"
                )
            } else if url?.user == nil {
                problem(
                    "smtp_url",
                    "the systemd credential \(Self.conventionalCredential) is loaded but smtp_url names no user: write smtp://user@host, or \(dropIn)"
                )
            }
        case .credentialOutsideService:
            if url == nil {
                problem("smtp_password_credential", "a password is configured but smtp_url is not set")
            } else if url?.user == nil {
                problem(
                    "smtp_password_credential",
                    "a password is configured but smtp_url names no user: write smtp://user@host")
            }
        }
        if keys.count > 1 {
            problem(keys[1], "only one of \(keys.joined(separator: " and ")) may be set")
        }
    }

    private func isSet(_ key: String) -> Bool {
        switch key {
        case "smtp_password_file": configuration.smtpPasswordFile != nil
        case "smtp_password_env": configuration.smtpPasswordEnv != nil
        case "smtp_password_credential": configuration.smtpPasswordCredential != nil
        default: false
        }
    }

    /// The file's content without one trailing newline; a problem (never quoting the content) otherwise.
    mutating func readPasswordFile(_ path: String, key: String) -> Secret? {
        let data: Data
        do {
            data = try FileContents.read(path)
        } catch {
            problem(key, "cannot read the password file \(path): \(error.reason)")
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

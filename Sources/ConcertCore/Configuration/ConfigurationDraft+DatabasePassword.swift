import Foundation

extension ConfigurationDraft {
    /// The credential read when no database password key is set but `database_url` is:
    /// `LoadCredential=database-password:…`, as `smtp-password` is for the smarthost.
    static let conventionalDatabaseCredential = "database-password"

    static let databasePasswordKeys = [
        "database_password_file", "database_password_env", "database_password_credential",
    ]

    /// Looks the database password up in the one source the configuration names, as
    /// ``loadPassword(environment:credentialsOnlyInService:)`` does for SMTP.
    ///
    /// Unlike SMTP, a user without a password is fine: the server may trust the connection (peer
    /// authentication on its socket, a client certificate, `~/.pgpass`). A password with no
    /// `database_url` is refused: it would be used for nothing.
    mutating func loadDatabasePassword(environment: [String: String], credentialsOnlyInService: Bool = false) {
        let c = configuration
        configuration.databasePassword = nil
        let credentials = environment["CREDENTIALS_DIRECTORY"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        if let path = c.databasePasswordFile {
            configuration.databasePassword = readPasswordFile(path, key: "database_password_file")
        } else if let name = c.databasePasswordEnv {
            switch environment[name] {
            case nil: problem("database_password_env", "the environment variable \(name) is not set")
            case ""?: problem("database_password_env", "the environment variable \(name) is empty")
            case let value?: configuration.databasePassword = Secret(value)
            }
        } else if let name = c.databasePasswordCredential {
            if let credentials {
                configuration.databasePassword = readPasswordFile(
                    "\(credentials)/\(name)", key: "database_password_credential")
            } else if credentialsOnlyInService {
                note(
                    "database_password_credential",
                    "the database password is the systemd credential \(name), which cannot be read outside the service ($CREDENTIALS_DIRECTORY is not set): the service needs LoadCredential=\(name):/path/to/password-file"
                )
            } else {
                problem(
                    "database_password_credential",
                    "$CREDENTIALS_DIRECTORY is not set: the service needs LoadCredential=\(name):/path/to/password-file"
                )
            }
        } else if c.databaseURL != nil, let credentials {
            // The drop-in alone is enough: LoadCredential=database-password:… with no key set.
            let path = "\(credentials)/\(Self.conventionalDatabaseCredential)"
            if FileManager.default.fileExists(atPath: path) {
                configuration.databasePassword = readPasswordFile(path, key: "database_url")
            }
        }
        checkDatabasePasswordKeys()
    }

    /// ``checkDatabasePasswordKeys()`` for a configuration whose password was read before (flags merged over it).
    mutating func checkDatabasePasswordInHand() {
        checkDatabasePasswordKeys()
    }

    /// A password key and `instance_name` need `database_url` (with the SQLite file they would
    /// change nothing), and only one password key may name a source.
    private mutating func checkDatabasePasswordKeys() {
        let c = configuration
        if c.instanceName != nil, c.databaseURL == nil {
            problem(
                "instance_name",
                "names this instance among those sharing a PostgreSQL database, but database_url is not set")
        }
        let keys = Self.databasePasswordKeys.filter { key in
            switch key {
            case "database_password_file": c.databasePasswordFile != nil
            case "database_password_env": c.databasePasswordEnv != nil
            default: c.databasePasswordCredential != nil
            }
        }
        if let key = keys.first, c.databaseURL == nil {
            problem(key, "a database password is configured but database_url is not set")
        }
        if keys.count > 1 {
            problem(keys[1], "only one of \(keys.joined(separator: " and ")) may be set")
        }
    }
}

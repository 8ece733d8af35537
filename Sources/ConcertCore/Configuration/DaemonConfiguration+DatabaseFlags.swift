import Foundation

extension DaemonConfiguration {
    /// A PostgreSQL database named on a command line other than the daemon's
    /// (`concertd migrate-store --to URL`): the URL checked by `database_url`'s rules, the password
    /// read from the one source the flags name, as the daemon reads `database_password_file`,
    /// `_env` and `_credential` (with none given, the credential `database-password` when
    /// `$CREDENTIALS_DIRECTORY` has one). A relative password file is taken from the working
    /// directory. Problems name the flags.
    public static func database(
        url: String, urlFlag: String, passwordFile: String?, passwordEnv: String?, passwordCredential: String?,
        environment: [String: String]
    ) throws(ConfigurationError) -> DaemonConfiguration {
        var draft = ConfigurationDraft()
        let flags = [
            ("database_url", urlFlag), ("database_password_file", "--database-password-file"),
            ("database_password_env", "--database-password-env"),
            ("database_password_credential", "--database-password-credential"),
        ]
        for (key, flag) in flags { draft.origins[key] = ConfigurationDraft.Origin(flag: flag) }
        func parse<Value>(_ key: String, _ text: String?, _ format: ConfigurationValueFormat<Value>) -> Value? {
            guard let text else { return nil }
            do {
                return try format.parse(text)
            } catch {
                draft.problem(key, error.message)
                return nil
            }
        }
        do {
            draft.configuration.databaseURL = try ConfigurationValueFormat<DatabaseURL>.databaseURL.parse(url)
        } catch {
            // The daemon's refusal of a password in the URL names its keys; this command's are flags.
            let inURL = error.message == URLAuthority.passwordInURL("database_password").message
            draft.problem(
                "database_url",
                inURL
                    ? "the URL must not contain a password; give it with --database-password-file, "
                        + "--database-password-env or --database-password-credential"
                    : error.message)
        }
        draft.configuration.databasePasswordFile = parse(
            "database_password_file", passwordFile.map(Self.absolute), .absolutePath)
        draft.configuration.databasePasswordEnv = parse("database_password_env", passwordEnv, .environmentName)
        draft.configuration.databasePasswordCredential = parse(
            "database_password_credential", passwordCredential, .credentialName)
        if draft.problems.isEmpty {
            draft.loadDatabasePassword(environment: environment)
        }
        return try draft.finished()
    }

    private static func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/"), !path.isEmpty else { return path }
        return (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }
}

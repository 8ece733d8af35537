import Foundation
import Testing

@testable import ConcertCore

/// `database_url`, its password keys and `instance_name`: the settings of the PostgreSQL store.
@Suite(.timeLimit(.minutes(1)))
struct ConfigurationDatabaseTests {
    let password = "db-pa55-never-shown"
    let url = "database_url = postgresql://concertd@db.example.org:5433/concertd?sslmode=verify-full\n"

    @Test func noDatabaseURLMeansTheSQLiteStore() throws {
        let c = try ConfigurationLoader(environment: [:]).load(contents: "", file: "c.conf")
        #expect(c.databaseURL == nil)
        #expect(c.databasePassword == nil)
    }

    @Test func theURLIsReadWithItsTLSSettings() throws {
        let c = try ConfigurationLoader(environment: [:]).load(contents: url, file: "c.conf")
        let parsed = try #require(c.databaseURL)
        #expect(parsed.user == "concertd")
        #expect(parsed.host == "db.example.org")
        #expect(parsed.effectivePort == 5433)
        #expect(parsed.database == "concertd")
        #expect(parsed.sslMode == .verifyFull)
        #expect(
            c.fileText().contains(
                "database_url = postgresql://concertd@db.example.org:5433/concertd?sslmode=verify-full\n"))
    }

    @Test func aURLCarryingAPasswordIsRefusedNamingWhereThePasswordGoes() {
        for text in [
            "database_url = postgresql://concertd:\(password)@db.example.org/concertd\n",
            "database_url = postgresql://concertd@db.example.org/concertd?password=\(password)\n",
        ] {
            let lines = problems(loading: text)
            #expect(lines.count == 1)
            let line = lines.first ?? ""
            #expect(line.contains("key 'database_url'"), "\(line)")
            #expect(line.contains("must not contain a password"), "\(line)")
            #expect(line.contains("database_password_file"), "\(line)")
            #expect(!line.contains(password), "the refusal quotes the password: \(line)")
        }
    }

    @Test func theFlagGivesTheURLAndIsCheckedTheSameWay() throws {
        let c = try DaemonConfiguration().merging(
            ConfigurationOverrides(databaseURL: "postgresql://a@127.0.0.1:6000/x"), workingDirectory: "/")
        #expect(c.databaseURL?.description == "postgresql://a@127.0.0.1:6000/x")
        #expect(throws: ConfigurationError.self) {
            try DaemonConfiguration().merging(
                ConfigurationOverrides(databaseURL: "postgresql://a:\(password)@127.0.0.1/x"), workingDirectory: "/")
        }
        do {
            _ = try DaemonConfiguration().merging(
                ConfigurationOverrides(databaseURL: "postgresql://a:\(password)@127.0.0.1/x"), workingDirectory: "/")
        } catch {
            #expect(error.lines.joined().contains("--database-url"))
            #expect(!error.lines.joined().contains(password))
        }
    }

    @Test func thePasswordIsReadFromAFileAnEnvironmentVariableOrACredential() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("db-password", password + "\n", permissions: 0o400)
        try directory.write("database-password", password + "\n", permissions: 0o400)
        try directory.write("named", password + "\n", permissions: 0o400)
        let sources: [(String, [String: String])] = [
            ("database_password_file = \(file)\n", [:]),
            ("database_password_env = CONCERTD_DB_PASSWORD\n", ["CONCERTD_DB_PASSWORD": password]),
            ("database_password_credential = named\n", ["CREDENTIALS_DIRECTORY": directory.path]),
            // The conventional credential alone: LoadCredential=database-password:… and no key.
            ("", ["CREDENTIALS_DIRECTORY": directory.path]),
        ]
        for (lines, environment) in sources {
            let c = try ConfigurationLoader(environment: environment).load(contents: url + lines, file: "c.conf")
            #expect(c.databasePassword?.revealed == password, "\(lines)")
            #expect(SecretRedactor(configuration: c).redact("login \(password)") == "login <redacted>")
            var dumped = ""
            dump(c, to: &dumped)
            for text in ["\(c)", dumped, c.fileText()] { #expect(!text.contains(password)) }
        }
    }

    @Test func noPasswordIsFineForAServerThatTrustsTheConnection() throws {
        let c = try ConfigurationLoader(environment: [:]).load(contents: url, file: "c.conf")
        #expect(c.databasePassword == nil)
    }

    @Test func passwordKeysNeedTheURLAndOnlyOneMayBeSet() {
        #expect(
            problems(loading: "database_password_env = P\n", environment: ["P": "x"]) == [
                "/etc/concertd/concertd.conf:1: key 'database_password_env': a database password is configured but database_url is not set"
            ])
        #expect(
            problems(
                loading: url + "database_password_env = P\ndatabase_password_credential = c\n",
                environment: ["P": "x", "CREDENTIALS_DIRECTORY": "/nonexistent"]
            ).contains(
                "/etc/concertd/concertd.conf:3: key 'database_password_credential': only one of database_password_env and database_password_credential may be set"
            ))
        #expect(
            problems(loading: url + "database_password_env = UNSET_VARIABLE\n") == [
                "/etc/concertd/concertd.conf:2: key 'database_password_env': the environment variable UNSET_VARIABLE is not set"
            ])
    }

    @Test func theInstanceNameIsCheckedAndDefaultsToTheHostName() throws {
        let named = try ConfigurationLoader(environment: [:]).load(
            contents: url + "instance_name = east-1\n", file: "c.conf")
        #expect(named.effectiveInstanceName == "east-1")
        let unnamed = DaemonConfiguration()
        #expect(!unnamed.effectiveInstanceName.isEmpty)
        var buffer = [CChar](repeating: 0, count: 256)
        #expect(gethostname(&buffer, 255) == 0)
        #expect(unnamed.effectiveInstanceName == String(String(cString: buffer).prefix(63)))
        #expect(
            problems(loading: url + "instance_name = -bad name\n").first?.contains("is not an instance name") == true)
    }

    /// The name is recorded with a PostgreSQL store's claims; with the SQLite file it would change
    /// nothing, and an operator would believe the instance shares a database.
    @Test func anInstanceNameNeedsTheURL() {
        #expect(
            problems(loading: "instance_name = east-1\n") == [
                "/etc/concertd/concertd.conf:1: key 'instance_name': names this instance among those sharing a PostgreSQL database, but database_url is not set"
            ])
    }
}

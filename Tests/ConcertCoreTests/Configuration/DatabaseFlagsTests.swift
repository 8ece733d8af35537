import Foundation
import Testing

@testable import ConcertCore

/// The database named on `concertd migrate-store`'s command line: its URL by `database_url`'s
/// rules and its password from the sources the daemon reads, each problem naming its flag.
@Suite(.timeLimit(.minutes(1)))
struct DatabaseFlagsTests {
    let password = "db-pa55-never-shown"
    let url = "postgresql://concertd@db.example.org/concertd"

    func database(
        url: String? = nil, file: String? = nil, env: String? = nil, credential: String? = nil,
        environment: [String: String] = [:]
    ) throws(ConfigurationError) -> DaemonConfiguration {
        try DaemonConfiguration.database(
            url: url ?? self.url, urlFlag: "--to", passwordFile: file, passwordEnv: env, passwordCredential: credential,
            environment: environment)
    }

    func problems(_ body: () throws(ConfigurationError) -> DaemonConfiguration) -> [String] {
        do {
            _ = try body()
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    @Test func thePasswordComesFromTheSourceTheFlagsName() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "flags-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("db-password").path
        try (password + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        try (password + "\n").write(
            toFile: folder.appendingPathComponent("database-password").path, atomically: true, encoding: .utf8)

        #expect(try database(file: file).databasePassword?.revealed == password)
        #expect(try database(env: "DB_PW", environment: ["DB_PW": password]).databasePassword?.revealed == password)
        #expect(
            try database(credential: "database-password", environment: ["CREDENTIALS_DIRECTORY": folder.path])
                .databasePassword?.revealed == password)
        // No flag: the service's credential `database-password`, as for the daemon; else none.
        #expect(
            try database(environment: ["CREDENTIALS_DIRECTORY": folder.path]).databasePassword?.revealed == password)
        #expect(try database().databasePassword == nil)
        #expect(try database().databaseURL?.description == url)
    }

    @Test func problemsNameTheirFlagAndNeverThePassword() {
        let inURL = problems { () throws(ConfigurationError) in try database(url: "postgresql://a:\(password)@h/d") }
        #expect(inURL.count == 1 && inURL[0].hasPrefix("command line: --to: "), "\(inURL)")
        // This command's password sources are flags, not the daemon's keys.
        #expect(inURL.first?.contains("--database-password-file") == true, "\(inURL)")
        #expect(inURL.first?.contains("database_password_file") == false, "\(inURL)")
        #expect(!inURL.joined().contains(password))
        let unset = problems { () throws(ConfigurationError) in try database(env: "DB_PW") }
        #expect(unset.count == 1 && unset[0].hasPrefix("command line: --database-password-env: "), "\(unset)")
        let missing = problems { () throws(ConfigurationError) in try database(file: "/nonexistent/db-password") }
        #expect(missing.count == 1 && missing[0].hasPrefix("command line: --database-password-file: "), "\(missing)")
        let two = problems { () throws(ConfigurationError) in
            try database(file: "/nonexistent/db-password", env: "DB_PW", environment: ["DB_PW": "x"])
        }
        #expect(two.contains { $0.contains("only one of") }, "\(two)")
    }
}

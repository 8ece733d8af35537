import ConcertCore
import ConcertPostgres
import Foundation
import PostgresTestSupport
import Testing

@testable import ConcertDaemon

/// `check-config` on a PostgreSQL database without a store: the first start creates it, so a role
/// that may not create tables in the store's schema is a problem, named with its fix.
@Suite(.serialized, .timeLimit(.minutes(2))) struct CheckConfigCreatePrivilegeTests {
    @Test func aRoleWithoutCreateOnTheSchemaIsAProblemBeforeTheFirstStart() async throws {
        let cluster = try await ThrowawayPostgres.shared()
        // A database the superuser owns, and a role that owns nothing (no CREATE on public).
        var url = try await cluster.makeDatabase()
        let role = "nocreate\(ProcessInfo.processInfo.processIdentifier)"
        let password = "pw-\(UUID().uuidString.prefix(8))"
        try await cluster.createRole(role, password: password)
        let superuser = try PostgresConnection(PostgresSettings(url: url))
        defer { superuser.close() }
        url.user = role
        let folder = TemporarySocket()
        defer { folder.remove() }
        let config = folder.directory + "/concertd.conf"
        try "database_url = \(url)\ninstance_name = east\ndatabase_password_env = PW\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        let environment = ["PW": password]
        let check = ConfigurationCheck(
            configFile: config,
            overrides: ConfigurationOverrides(
                stateDirectory: folder.directory + "/state", catalog: TestDaemon.catalogPath),
            environment: environment)
        let place = "postgresql://\(url.serverDescription)"
        let problem = try #require(check.problems.first { $0.contains(place) }, "\(check.problems)\(check.report)")
        #expect(problem.contains("holds no store yet"), "\(problem)")
        #expect(problem.contains("may not create tables in schema public"), "\(problem)")
        #expect(problem.contains("GRANT CREATE ON SCHEMA public TO \(role)"), "\(problem)")
        #expect(problem.contains("ALTER DATABASE \(url.database) OWNER TO \(role)"), "\(problem)")
        #expect(!check.report.contains { $0.contains("the first start creates it") }, "\(check.report)")

        // Granted, the first start can create it: no problem.
        try superuser.execute("GRANT CREATE ON SCHEMA public TO \(role)")
        let granted = ConfigurationCheck(
            configFile: config,
            overrides: ConfigurationOverrides(
                stateDirectory: folder.directory + "/state", catalog: TestDaemon.catalogPath),
            environment: environment)
        #expect(granted.problems.isEmpty, "\(granted.problems)")
        #expect(granted.report.contains { $0.contains("holds no store yet; the first start creates it") })
    }
}

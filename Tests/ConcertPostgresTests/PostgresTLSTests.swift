import ConcertCore
import Foundation
import PostgresTestSupport
import Testing

@testable import ConcertPostgres

/// `sslmode` and `sslrootcert` of `database_url`, against a server with a certificate from a test CA.
@Suite(.timeLimit(.minutes(2)))
struct PostgresTLSTests {
    @Test func verifyFullConnectsOverTLSOnlyWithTheCAThatSignedTheServer() async throws {
        let cluster = try await ThrowawayPostgres.start(tls: true)
        defer { cluster.destroy() }
        let ca = try #require(cluster.caFile)
        var url = try await cluster.makeDatabase(sslMode: .verifyFull)
        url.sslRootCert = ca
        let connection = try PostgresConnection(PostgresSettings(url: url))
        #expect(try connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").bool(0, 0))

        // Without the CA (libpq then looks for ~/.postgresql/root.crt) or with another one: refused.
        let otherCA = try await cluster.otherCAFile()
        for rootCert in [nil, otherCA] {
            url.sslRootCert = rootCert
            do {
                _ = try PostgresConnection(PostgresSettings(url: url))
                Issue.record("connected with sslrootcert \(rootCert ?? "unset")")
            } catch let error as PostgresError {
                #expect(error.kind == .connectionLost)
                #expect(error.message.contains("certificate"), "\(error)")
            }
        }
        url.sslMode = .disable
        url.sslRootCert = nil
        let clear = try PostgresConnection(PostgresSettings(url: url))
        #expect(try !clear.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").bool(0, 0))
    }
}

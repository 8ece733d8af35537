import Foundation

/// A throwaway certificate authority and a server certificate it signed for 127.0.0.1, made with
/// the openssl command in a temporary folder: what a company's private CA gives its smarthost.
struct TestCertificateAuthority {
    let folder: URL
    /// The CA's certificate alone: the file `smtp_ca_bundle` names.
    var caPath: String { folder.appendingPathComponent("ca.pem").path }
    /// The server's certificate followed by nothing else (the CA is not sent, as usual).
    var serverCertificatePath: String { folder.appendingPathComponent("server.pem").path }
    var serverKeyPath: String { folder.appendingPathComponent("server.key").path }

    init() async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ca-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let curve = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
        let script = """
            set -e
            cd '\(folder.path)'
            openssl req -x509 \(curve) -days 2 -subj '/CN=concertd test CA' -keyout ca.key -out ca.pem
            openssl req \(curve) -subj '/CN=127.0.0.1' -keyout server.key -out server.csr
            printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > ext.cnf
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
                -extfile ext.cnf -out server.pem
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let status = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        guard status == 0 else { throw PeerError(message: "openssl could not make the test CA") }
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}

import Foundation
import Testing

@testable import ConcertDaemon

/// The built `concertd` binary: signals, systemd notifications and `check-config`, as a service
/// manager and an administrator meet them.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ConcertdBinaryTests {
    static let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("concertd").path

    /// Starts `concertd` with `arguments` (through `wrapper`, such as `unshare`, when given), its
    /// standard error in the pipe returned.
    static func launch(
        _ arguments: [String], wrapper: [String] = [], environment: [String: String] = [:], directory: String
    ) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrapper.first ?? binary)
        process.arguments = wrapper.isEmpty ? arguments : Array(wrapper.dropFirst()) + [binary] + arguments
        process.environment = [
            "HOME": directory, "CONFIGURATION_DIRECTORY": directory + "/etc", "PATH": "/usr/bin:/bin",
        ]
        .merging(environment) { $1 }
        let error = Pipe()
        process.standardError = error
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return (process, error)
    }

    @Test func sighupReloadsAndSigtermStopsCleanlyTellingSystemd() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let receiver = try DatagramReceiver()
        let (process, _) = try Self.launch(
            [
                "--catalog", TestDaemon.catalogPath, "--state-dir", socket.directory + "/state", "--socket",
                socket.path,
                "--clock-start", "2019-10-20T00:00+09:00",
            ],
            environment: ["NOTIFY_SOCKET": receiver.notifySocket], directory: socket.directory)
        defer { if process.isRunning { process.terminate() } }
        #expect(receiver.receive(timeout: 20)?.hasPrefix("READY=1") == true)
        kill(process.processIdentifier, SIGHUP)
        #expect(receiver.receive()?.hasPrefix("RELOADING=1") == true)
        #expect(receiver.receive()?.hasPrefix("READY=1") == true)
        #expect(process.isRunning)
        kill(process.processIdentifier, SIGTERM)
        #expect(receiver.receive()?.hasPrefix("STOPPING=1") == true)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: socket.path), "the socket file is removed")
    }

    @Test func refusalToStartExitsWithConfigErrorAndSaysWhy() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let config = socket.directory + "/bad.conf"
        try "max_in_flight = many\n".write(toFile: config, atomically: true, encoding: .utf8)
        let (process, error) = try Self.launch(
            [
                "--config", config, "--catalog", TestDaemon.catalogPath, "--state-dir", socket.directory + "/state",
                "--socket", socket.path,
            ],
            environment: [:], directory: socket.directory)
        let message = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 78)
        #expect(message.contains("refusing to start"))
        #expect(message.contains("bad.conf:1"))
        #expect(message.contains("max_in_flight"))
    }

    @Test func checkConfigListsEveryProblemAndExitsNonZero() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let config = socket.directory + "/check.conf"
        try "colour = blue\nretry_max = forever\n".write(toFile: config, atomically: true, encoding: .utf8)
        let (bad, badError) = try Self.launch(
            ["check-config", config, "--catalog", TestDaemon.catalogPath], environment: [:], directory: socket.directory
        )
        let problems = String(decoding: badError.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        bad.waitUntilExit()
        #expect(bad.terminationStatus == 78)
        #expect(problems.contains("check.conf:1") && problems.contains("colour"))
        #expect(problems.contains("check.conf:2") && problems.contains("retry_max"))

        let (good, _) = try Self.launch(
            ["check-config", "--catalog", TestDaemon.catalogPath], environment: [:], directory: socket.directory)
        good.waitUntilExit()
        #expect(good.terminationStatus == 0)
    }
    /// Runs the binary to its exit: (status, stdout, stderr), both kept in files beside `directory`'s.
    func run(_ arguments: [String], environment: [String: String], directory: String) throws -> (Int32, String, String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.environment = [
            "HOME": directory, "CONFIGURATION_DIRECTORY": directory + "/etc", "PATH": "/usr/bin:/bin",
        ]
        .merging(environment) { $1 }
        let outputPath = directory + "/run-stdout.txt"
        let errorPath = directory + "/run-stderr.txt"
        for path in [outputPath, errorPath] { FileManager.default.createFile(atPath: path, contents: nil) }
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        try process.run()
        process.waitUntilExit()
        return (
            process.terminationStatus, try String(contentsOfFile: outputPath, encoding: .utf8),
            try String(contentsOfFile: errorPath, encoding: .utf8)
        )
    }

    @Test func checkConfigAndTheDaemonAcceptTheDocumentedCredentialSetUp() throws {
        // The README: smtp_url with a user, no password key, the drop-in's LoadCredential=smtp-password.
        let socket = TemporarySocket()
        defer { socket.remove() }
        let credentials = socket.directory + "/credentials"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        let secret = "cred-pa55-never-shown"
        FileManager.default.createFile(
            atPath: credentials + "/smtp-password", contents: Data((secret + "\n").utf8),
            attributes: [.posixPermissions: 0o400])
        let config = socket.directory + "/concertd.conf"
        try "smtp_url = smtp://mailer@127.0.0.1:9\nmail_from = reminders@example.org\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        let check = ["check-config", config, "--catalog", TestDaemon.catalogPath]

        // As the service sees it.
        let (status, output, errors) = try run(
            check, environment: ["CREDENTIALS_DIRECTORY": credentials], directory: socket.directory)
        #expect(status == 0, "\(errors)")
        #expect(output.contains("is valid") && !output.contains("note:"))
        #expect(!(output + errors).contains(secret))

        // From a shell: the credential is the service's alone, so it is noted, not refused.
        let (shellStatus, shellOutput, shellErrors) = try run(check, environment: [:], directory: socket.directory)
        #expect(shellStatus == 0, "\(shellErrors)")
        #expect(shellOutput.contains("note: \(config):1: key 'smtp_url'"))
        #expect(shellOutput.contains("cannot be read outside the service"))

        // A credential folder without the password: refused, by check-config and by the daemon alike.
        let empty = socket.directory + "/no-credentials"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let (emptyStatus, _, emptyErrors) = try run(
            check, environment: ["CREDENTIALS_DIRECTORY": empty], directory: socket.directory)
        #expect(emptyStatus == 78)
        #expect(emptyErrors.contains("smtp_url names a user but no password is configured"))
        let (daemonStatus, _, daemonErrors) = try run(
            [
                "--config", config, "--catalog", TestDaemon.catalogPath, "--state-dir", socket.directory + "/state",
                "--socket", socket.path,
            ], environment: ["CREDENTIALS_DIRECTORY": empty], directory: socket.directory)
        #expect(daemonStatus == 78)
        #expect(daemonErrors.contains("smtp_url names a user but no password is configured"))
    }
}

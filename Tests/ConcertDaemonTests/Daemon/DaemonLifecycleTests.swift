import ConcertCore
import Foundation
import GRDB
import Testing

@testable import ConcertDaemon

/// Start, refusal, reload, notify and shutdown of a whole daemon.
@Suite(.serialized, .timeLimit(.minutes(1))) struct DaemonLifecycleTests {
    func refusal(config: String? = nil, catalog: String? = nil, prepare: (String) throws -> Void = { _ in }) throws
        -> Daemon.StartupError?
    {
        let socket = TemporarySocket()
        defer { socket.remove() }
        try prepare(socket.directory)
        let options = TestDaemon.options(
            directory: socket.directory, socketPath: socket.path, clockStart: "2019-10-20T00:00", config: config,
            catalog: catalog, environment: [:])
        do {
            let daemon = try Daemon.start(options, logger: .quiet)
            daemon.stop()
            return nil
        } catch {
            return error
        }
    }

    @Test func theDocumentedCredentialAloneStartsTheDaemonWithItsPassword() throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let credentials = socket.directory + "/credentials"
        try FileManager.default.createDirectory(atPath: credentials, withIntermediateDirectories: true)
        FileManager.default.createFile(
            atPath: credentials + "/smtp-password", contents: Data("cred-pa55\n".utf8),
            attributes: [.posixPermissions: 0o400])
        var options = TestDaemon.options(
            directory: socket.directory, socketPath: socket.path, clockStart: "2019-10-20T00:00",
            config: "smtp_url = smtp://mailer@127.0.0.1:9\nmail_from = reminders@example.org\n", catalog: nil,
            environment: ["CREDENTIALS_DIRECTORY": credentials])
        options.overrides.smtpURL = nil  // the file's smtp_url, with its user

        let daemon = try Daemon.start(options, logger: .quiet)
        defer { daemon.stop() }

        #expect(daemon.resolved.configuration.smtpURL?.user == "mailer")
        #expect(daemon.resolved.configuration.smtpPassword?.revealed == "cred-pa55")
        #expect(daemon.resolved.configuration.smtpRequiresTLS)
    }

    @Test func unknownConfigKeyIsRefusedNamingFileLineAndKey() throws {
        let error = try #require(try refusal(config: "log_level = info\ncolour = blue\n"))
        #expect(error.description.contains("concertd.conf:2"))
        #expect(error.description.contains("'colour'"))
    }

    @Test func brokenCatalogEntryIsRefusedNamingEntryAndField() throws {
        let error = try #require(try refusalWithBrokenCatalog())
        #expect(error.description.contains("concert 'busan-2019': field 'start'"))
    }

    private func refusalWithBrokenCatalog() throws -> Daemon.StartupError? {
        let directory = NSTemporaryDirectory() + "cd-catalog-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let text = try String(contentsOfFile: TestDaemon.catalogPath, encoding: .utf8)
            .replacingOccurrences(of: #"start: "2019-10-25T10:00+09:00""#, with: #"start: "2019-10-25T25:00+09:00""#)
        let path = directory + "/concerts.json5"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try refusal(catalog: path)
    }

    @Test func missingCatalogIsRefused() throws {
        let error = try #require(try refusal(catalog: "/nonexistent/concerts.json5"))
        #expect(error.description.contains("/nonexistent/concerts.json5"))
    }

    @Test func databaseFromANewerVersionIsRefused() throws {
        let error = try #require(
            try refusal { directory in
                let database = try AppDatabase.open(path: directory + "/state/concertd.sqlite3")
                try database.writer.write { db in
                    try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9-from-a-newer-concertd')")
                }
            })
        #expect(error.description.contains("newer concertd"))
        #expect(error.description.contains("v9-from-a-newer-concertd"))
    }

    @Test func readyStatusAndStoppingReachTheNotifySocket() throws {
        let receiver = try DatagramReceiver()
        let daemon = try TestDaemon(environment: ["NOTIFY_SOCKET": receiver.notifySocket])
        defer { daemon.socket.remove() }
        let ready = try #require(receiver.receive())
        #expect(ready.hasPrefix("READY=1\nSTATUS="))
        #expect(ready.contains("SHIFTED CLOCK"))
        // The control socket listens before READY=1.
        #expect(FileManager.default.fileExists(atPath: daemon.socketPath))
        daemon.stop()
        #expect(receiver.receive()?.hasPrefix("STOPPING=1") == true)
    }

    @Test func reloadKeepsTheOldConfigurationWhenTheNewOneIsBroken() throws {
        let daemon = try TestDaemon(config: "log_level = info\n")
        defer { daemon.remove() }
        let file = daemon.directory + "/concertd.conf"
        try "log_level = loud\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect {
            try daemon.daemon.reload(requestedBy: .signal("SIGHUP"))
        } throws: { error in
            "\(error)".contains("concertd.conf:1") && "\(error)".contains("log_level")
        }
        #expect(daemon.daemon.resolved.configuration.logLevel == .info)
        try "log_level = debug\n".write(toFile: file, atomically: true, encoding: .utf8)
        _ = try daemon.daemon.reload(requestedBy: .signal("SIGHUP"))
        #expect(daemon.daemon.resolved.configuration.logLevel == .debug)
    }

    @Test func reloadAppliesCatalogChanges() throws {
        let directory = NSTemporaryDirectory() + "cd-reload-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/concerts.json5"
        let original = try String(contentsOfFile: TestDaemon.catalogPath, encoding: .utf8)
        try original.write(toFile: path, atomically: true, encoding: .utf8)
        let daemon = try TestDaemon(catalog: path)
        defer { daemon.remove() }
        try original.replacingOccurrences(
            of: #"start: "2019-12-10T14:00+09:00""#, with: #"start: "2019-12-11T14:00+09:00""#
        )
        .replacingOccurrences(of: #"end: "2019-12-10T16:00+09:00""#, with: #"end: "2019-12-11T16:00+09:00""#)
        .write(toFile: path, atomically: true, encoding: .utf8)
        let summary = try daemon.daemon.reload(requestedBy: .signal("SIGHUP"))
        #expect(summary.changes.revised == ["goyang-2019"])
        #expect(try daemon.daemon.database.concert(id: "goyang-2019")?.revision == 2)
    }

    @Test func stopWaitsForASendInFlightWithinTheGraceAndLeavesItForTheNextStart() async throws {
        let hanging = try HangingListener()
        let daemon = try TestDaemon(clockStart: "2019-10-25T08:59:58", config: "shutdown_grace = 1s\n")
        defer { daemon.socket.remove() }
        _ = await runCtl([
            "subscribe", "busan", "--webhook", "http://127.0.0.1:\(hanging.port)/hook", "--quiet", "--socket",
            daemon.socketPath,
        ])
        let started = Date()
        while try daemon.daemon.database.counters()["delivery.sending", default: 0] == 0,
            Date().timeIntervalSince(started) < 10
        {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try daemon.daemon.database.counters()["delivery.sending"] == 1)
        let stopping = Date()
        #expect(daemon.daemon.stop() == 1)
        let took = Date().timeIntervalSince(stopping)
        #expect(took >= 0.9 && took < 5, "stop took \(took) s with a 1 s grace")
        #expect(try daemon.daemon.database.counters()["delivery.sending"] == 1, "left for the next start")
    }
}

@Suite(.serialized, .timeLimit(.minutes(1))) struct DaemonWithoutEmailTests {
    @Test func emailSubscriptionsAreRefusedWhenNoSmarthostIsConfigured() async throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        var options = TestDaemon.options(
            directory: socket.directory, socketPath: socket.path, clockStart: "2019-10-20T00:00", config: nil,
            catalog: nil, environment: [:])
        options.overrides.smtpURL = nil
        options.overrides.mailFrom = nil
        let daemon = try Daemon.start(options, logger: .quiet)
        defer { daemon.stop() }
        let run = await runCtl(["subscribe", "busan", "--email", "a@example.org", "--socket", socket.path])
        #expect(run.status == 1)
        #expect(run.error.contains("no smtp_url is configured"))
        #expect(try daemon.database.counters()["subscription.active", default: 0] == 0)
    }
}

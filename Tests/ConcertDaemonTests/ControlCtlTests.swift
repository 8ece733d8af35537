import ConcertProtocol
import ConcertShared
import Foundation
import Testing

@testable import concertctl

@Suite(.timeLimit(.minutes(1)))
struct ControlCtlTests {
    /// Every command, with the method it calls.
    static let commands: [([String], String)] = [
        (["status"], "status"),
        (["cities"], "cities"),
        (["concerts", "--city", "busan", "--all"], "concerts"),
        (
            ["concert", "add", "--city", "busan", "suyeong", "--title", "T", "--start", "2019-11-02T14:00"],
            "concert.add"
        ),
        (["concert", "reschedule", "busan-2019-10-29", "--start", "2019-11-03"], "concert.reschedule"),
        (["concert", "cancel", "busan-2019-10-29"], "concert.cancel"),
        (["concert", "reset", "busan-2019-10-29"], "concert.reset"),
        (
            ["subscribe", "busan", "--webhook", "https://hooks.slack.com/services/T/B/x", "--format", "slack"],
            "subscribe"
        ),
        (["subscriptions", "--city", "busan"], "subscriptions"),
        (["unsubscribe", "sub-k3m9q2xw7d"], "unsubscribe"),
        (["pause", "sub-k3m9q2xw7d"], "pause"),
        (["resume", "sub-k3m9q2xw7d"], "resume"),
        (["upcoming", "--limit", "5"], "upcoming"),
        (["deliveries", "--state", "failed", "--limit", "5"], "deliveries"),
        (["retry", "42"], "retry"),
        (["test", "sub-k3m9q2xw7d"], "test"),
        (["preview", "--from", "2019-10-25", "--to", "2019-11-01"], "preview"),
        (["reload"], "reload"),
    ]

    @Test(arguments: commands)
    func everyCommandWithJSONPrintsTheDaemonsResultAsOneDocument(arguments: [String], method: String) async throws {
        let daemon = try CtlServer()
        defer { daemon.stop() }
        let run = await runCtl(arguments + ["--json", "--socket", daemon.path])
        #expect(run.status == 0, "\(run.error)")
        let printed = try JSONDecoder().decode(JSONValue.self, from: Data(run.output.utf8))
        #expect(printed == CtlFakeHandler.results[method])
        #expect(daemon.handler.params(of: method) != nil)
    }

    @Test(arguments: commands)
    func everyCommandWithoutJSONPrintsText(arguments: [String], method: String) async throws {
        let daemon = try CtlServer()
        defer { daemon.stop() }
        let run = await runCtl(arguments, environment: ["CONCERTD_SOCKET": daemon.path])
        #expect(run.status == 0, "\(run.error)")
        #expect(!run.output.isEmpty)
        #expect((try? JSONDecoder().decode(JSONValue.self, from: Data(run.output.utf8))) == nil)
    }

    @Test func statusReadsLikeASummary() async throws {
        let daemon = try CtlServer()
        defer { daemon.stop() }
        let run = await runCtl(["status", "--socket", daemon.path])
        #expect(run.output.contains("concertd 0.1.0 (protocol \(ProtocolVersion.current)), up 0m 42s"))
        #expect(run.output.contains("SHIFTED, rate 60x"))
        #expect(run.output.contains("deliveries     scheduled 6"))
        #expect(run.error.isEmpty)
    }

    @Test func tablesAlignKoreanText() async throws {
        let daemon = try CtlServer()
        defer { daemon.stop() }
        let run = await runCtl(["cities", "--socket", daemon.path])
        let lines = run.output.split(separator: "\n")
        #expect(lines.first == "ID     KOREAN  ENGLISH  CONCERTS")
        #expect(lines.last == "busan  부산    Busan    busan-2019-10-29")
    }

    @Test func aTimeWithoutOffsetIsSentAsKoreaTime() async throws {
        let daemon = try CtlServer()
        defer { daemon.stop() }
        let run = await runCtl(
            [
                "concert", "add", "--city", "busan", "--title", "T", "--start", "2019-11-02T14:00", "--end",
                "2019-11-02T16:00:00Z", "--socket", daemon.path,
            ])
        #expect(run.status == 0)
        #expect(run.output == "busan-2019-10-29\n")
        #expect(run.error == "added; 2 new-concert notices queued\n")
        let sent = daemon.handler.params(of: "concert.add")?.objectValue
        #expect(sent?["start"] == .string("2019-11-02T14:00+09:00"))
        #expect(sent?["end"] == .string("2019-11-02T16:00:00Z"))
        #expect(sent?["cities"] == .array([.string("busan")]))
    }

    @Test func subscribePrintsTheIDAndTheGeneratedSecretOnceAndWarnsOnStandardError() async throws {
        let daemon = try CtlServer()
        defer { daemon.stop() }
        let run = await runCtl(
            [
                "subscribe", "busan", "suyeong", "--webhook", "https://example.org/hook", "--before", "7d, 1H",
                "--lang", "en", "--quiet", "--socket", daemon.path,
            ])
        #expect(run.status == 0)
        #expect(run.output == "sub-k3m9q2xw7d\nsecret: whsec_c2VjcmV0\n")
        #expect(run.error.contains("warning: suyeong has no upcoming concert"))
        let sent = daemon.handler.params(of: "subscribe")?.objectValue
        #expect(sent?["before"] == .array([.string("7d"), .string("1h")]))
        #expect(sent?["lang"] == .string("en"))
        #expect(sent?["quiet"] == .bool(true))
        #expect(sent?["cities"] == .array([.string("busan"), .string("suyeong")]))
    }

    @Test func subscribeFromAFileSendsItsLinesAndReportsRejectedOnesWithExit1() async throws {
        let daemon = try CtlServer()
        defer { daemon.stop() }
        let file = daemon.socket.directory + "/import.jsonl"
        try Data(
            "{\"cities\":[\"busan\"],\"email\":\"a@example.org\"}\n{\"cities\":[\"atlantis\"],\"email\":\"b@example.org\"}\n"
                .utf8
        )
        .write(to: URL(fileURLWithPath: file))
        let run = await runCtl(["subscribe", "--from", file, "--socket", daemon.path])
        #expect(run.status == 1)
        #expect(run.output.contains("imported 1 subscription from \(file); 1 rejected"))
        #expect(run.output.contains("line 2: rejected: unknown city 'atlantis'"))
        #expect(run.error.contains("1 line rejected"))
        #expect(
            daemon.handler.params(of: "subscribe.bulk")?.objectValue?["lines"]
                == .array([
                    .string(#"{"cities":["busan"],"email":"a@example.org"}"#),
                    .string(#"{"cities":["atlantis"],"email":"b@example.org"}"#),
                ]))
    }

    @Test func anImportLineTooLongForAnyRequestIsRefusedBeforeSending() async throws {
        // A large file is sent in chunks (tested against the real daemon); one line that no
        // request can hold is a usage error.
        let daemon = try CtlServer()
        defer { daemon.stop() }
        let file = daemon.socket.directory + "/long.jsonl"
        let line = #"{"cities":["busan"],"email":"a@example.org","label":"\#(String(repeating: "x", count: 70_000))"}"#
        try Data((#"{"cities":["busan"],"email":"b@example.org"}"# + "\n" + line + "\n").utf8)
            .write(to: URL(fileURLWithPath: file))
        let run = await runCtl(["subscribe", "--from", file, "--socket", daemon.path])
        #expect(run.status == 64)
        #expect(run.error.contains("line 2 of the import file is longer than"))
        #expect(daemon.handler.params(of: "subscribe.bulk") == nil)
    }

    @Test func aRefusalPrintsTheDaemonsMessageAndExits1() async throws {
        let daemon = try CtlServer()
        defer { daemon.stop() }
        let run = await runCtl(["pause", "sub-unknown", "--socket", daemon.path])
        #expect(run.status == 1)
        #expect(run.output.isEmpty)
        #expect(run.error.contains("concertctl: no subscription 'sub-unknown' [not_found]"))
    }

    @Test func aTestMessageThatWasNotAcceptedExits1() async throws {
        let daemon = try CtlServer()
        defer { daemon.stop() }
        let run = await runCtl(["test", "sub-gone", "--socket", daemon.path])
        #expect(run.status == 1)
        #expect(run.error.contains("sub-gone: not delivered: HTTP 410"))
        #expect(run.error.contains("sub-gone is now disabled"))
        #expect(run.error.contains("Once the endpoint works again: concertctl resume sub-gone"))
    }

    @Test(arguments: [
        ["subscribe", "busan"],
        ["subscribe", "--email", "a@example.org"],
        ["subscribe", "busan", "--email", "a@example.org", "--webhook", "https://x.org/h"],
        ["subscribe", "busan", "--email", "not-an-address"],
        ["subscribe", "busan", "--webhook", "ftp://x.org/h"],
        ["subscribe", "busan", "--email", "a@example.org", "--format", "slack"],
        ["subscribe", "busan", "--email", "a@example.org", "--before", "7d,,1h"],
        ["subscribe", "busan", "--email", "a@example.org", "--before", "400d"],
        ["subscribe", "busan", "--email", "a@example.org", "--lang", "fr"],
        ["subscribe", "busan", "--from", "/etc/hostname"],
        ["concert", "add", "--title", "T", "--start", "2019-11-02"],
        ["concert", "add", "--city", "busan", "--title", "T", "--start", "2019-13-02"],
        ["concert", "add", "--city", "busan", "--title", "T", "--start", "2019-11-02T25:00"],
        [
            "concert", "add", "--city", "busan", "--title", "T", "--start", "2019-11-02T14:00", "--end",
            "2019-11-02T13:00",
        ],
        ["concert", "reschedule", "c", "--start", "tomorrow"],
        ["concert", "reschedule", "c"],
        ["concert", "reschedule", "c", "--start", "2019-11-03T14:00", "--end", "2019-11-03T13:00"],
        ["concert", "reset"],
        ["upcoming", "--limit", "0"],
        ["deliveries", "--state", "lost"],
        ["retry", "-3"],
        ["retry", "abc"],
        ["preview", "--from", "2019-11-01", "--to", "2019-10-01"],
        ["status", "--timeout", "0"],
        ["frobnicate"],
    ])
    func badInputIsAUsageErrorBeforeAnyRequest(arguments: [String]) async {
        let run = await runCtl(arguments + ["--socket", "/nonexistent/c.sock"])
        #expect(run.status == 64, "\(arguments): \(run.error)")
    }

    @Test func anUnreachableDaemonExits69SayingWhereItLookedAndHowToStartIt() async {
        let run = await runCtl(["status"], environment: ["CONCERTD_SOCKET": "/nonexistent/concertd/c.sock"])
        #expect(run.status == 69)
        #expect(run.error.contains("/nonexistent/concertd/c.sock (CONCERTD_SOCKET)"))
        #expect(run.error.contains("systemctl start concertd"))
        #expect(run.error.contains("make run"))
    }

    @Test func aDaemonGoneWhileStagingLeavesNoSecretsFile() async throws {
        // Answers the first chunk with a secret, then is gone: nothing was committed.
        let socket = TemporarySocket()
        defer { socket.remove() }
        let reply =
            #"{"jsonrpc":"2.0","id":1,"protocol":1,"result":{"batch":"b","staged":700,"rejected":[],"warnings":[],"secrets":[{"line":1,"id":"sub-x","secret":"whsec_x"}]}}"#
        let served = try OneShotServer(path: socket.path, reply: reply)
        let file = socket.directory + "/import.jsonl"
        try (1...3000).map { #"{"cities":["busan"],"webhook":"http://127.0.0.1:9/\#($0)","format":"generic"}"# }
            .joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let secrets = socket.directory + "/secrets.jsonl"
        let run = await runCtl(["subscribe", "--from", file, "--secrets-file", secrets, "--socket", socket.path])
        served.wait()
        #expect(run.status == 69, "\(run.error)")
        #expect(run.error.contains("nothing was imported; \(secrets) is removed"))
        #expect(!FileManager.default.fileExists(atPath: secrets))
    }

    @Test func aDaemonOfAnotherProtocolVersionIsWarnedAbout() async throws {
        let socket = TemporarySocket()
        defer { socket.remove() }
        let reply = #"{"jsonrpc":"2.0","id":1,"protocol":3,"result":{"summary":"ok","warnings":[]}}"#
        let served = try OneShotServer(path: socket.path, reply: reply)
        let run = await runCtl(["reload", "--socket", socket.path])
        served.wait()
        #expect(run.status == 0)
        #expect(run.error.contains("warning: concertd speaks protocol 3, this concertctl speaks 2"))
    }
}

@Suite(.timeLimit(.minutes(1)))
struct SocketLocationTests {
    func context(_ environment: [String: String], systemSocket: Bool = false) -> CommandContext {
        CommandContext(output: CapturedOutput().writer, environment: environment, uid: 1000) {
            systemSocket && $0 == SocketLocation.systemPath
        }
    }

    @Test func theFlagWinsOverTheEnvironmentAndTheDefaults() {
        let location = SocketLocation.resolve(
            flag: "/x.sock", context: context(["CONCERTD_SOCKET": "/y.sock"], systemSocket: true))
        #expect(location == SocketLocation(path: "/x.sock", origin: "--socket"))
    }

    @Test func theEnvironmentWinsOverTheDefaults() {
        #expect(
            SocketLocation.resolve(flag: nil, context: context(["CONCERTD_SOCKET": "/y.sock"], systemSocket: true)).path
                == "/y.sock")
    }

    @Test func theSystemdSocketIsUsedWhenItExists() {
        let location = SocketLocation.resolve(
            flag: nil, context: context(["XDG_RUNTIME_DIR": "/run/user/1000"], systemSocket: true))
        #expect(location.path == "/run/concertd/control.sock")
    }

    @Test func thenTheXDGRuntimeDirectoryThenTmp() {
        #expect(
            SocketLocation.resolve(flag: nil, context: context(["XDG_RUNTIME_DIR": "/run/user/1000"])).path
                == "/run/user/1000/concertd/control.sock")
        #expect(
            SocketLocation.resolve(flag: nil, context: context(["XDG_RUNTIME_DIR": "relative"])).path
                == "/tmp/concertd-1000/control.sock")
        #expect(SocketLocation.resolve(flag: nil, context: context([:])).path == "/tmp/concertd-1000/control.sock")
    }
}

@Suite(.timeLimit(.minutes(1)))
struct ConcertCtlBinaryTests {
    @Test func exitCodesOfTheBuiltBinary() async throws {
        let daemon = try CtlServer()
        defer { daemon.stop() }
        let ok = try await offPool { try runCtlBinary(["status", "--socket", daemon.path]) }
        #expect(ok.status == 0, "\(ok.error)")
        let refused = try await offPool { try runCtlBinary(["pause", "sub-unknown", "--socket", daemon.path]) }
        #expect(refused.status == 1)
        #expect(refused.error.contains("no subscription 'sub-unknown'"))
        let usage = try await offPool { try runCtlBinary(["subscribe", "busan", "--socket", daemon.path]) }
        #expect(usage.status == 64)
        let unreachable = try await offPool {
            try runCtlBinary(["status", "--socket", daemon.socket.directory + "/none.sock"])
        }
        #expect(unreachable.status == 69)
        #expect(unreachable.error.contains("none.sock"))
    }
}

@Suite(.timeLimit(.minutes(1)))
struct ConcertCtlPermissionTests {
    /// The built binary, and whether user `nobody` can run it where this checkout lives.
    static let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("concertctl").path
    static var othersCanRunBinary: Bool {
        var path = binary
        while path != "/" && !path.isEmpty {
            var info = stat()
            guard stat(path, &info) == 0, info.st_mode & S_IXOTH != 0 else { return false }
            path = (path as NSString).deletingLastPathComponent
        }
        return getuid() == 0
    }

    @Test(.enabled(if: othersCanRunBinary, "needs root and a checkout that user nobody can enter"))
    func aUserOutsideTheControlGroupIsRefusedWithExit1() async throws {
        let daemon = try CtlServer()
        defer { daemon.stop() }
        // Open the file-system lock on purpose, so the peer check is what refuses.
        chmod(daemon.socket.directory, 0o755)
        chmod(daemon.path, 0o666)
        let executable = Self.binary
        let run = try await offPool {
            try runCtlBinary(
                ["--reuid=65534", "--regid=65534", "--clear-groups", executable, "status", "--socket", daemon.path],
                executable: "/usr/bin/setpriv")
        }
        #expect(run.status == 1)
        #expect(run.error.contains("permission denied: only root, the daemon's user and the control group"))
        #expect(run.error.contains("[permission_denied]"))
    }
}

/// Accepts one connection, reads one line and answers with `reply`: a daemon of another version.
final class OneShotServer: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(path: String, reply: String) throws {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(fd, 1) == 0 else { throw TestClientError(description: "cannot listen on \(path)") }
        let done = done
        Thread {
            let client = accept(fd, nil, nil)
            var byte: UInt8 = 0
            while recv(client, &byte, 1, 0) == 1, byte != 10 {}
            let bytes = Array((reply + "\n").utf8)
            _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            close(client)
            close(fd)
            done.signal()
        }.start()
    }

    func wait() { done.wait() }
}

/// Each numeric option refuses exactly what its message says it refuses, and says the range it takes.
@Suite(.timeLimit(.minutes(1)))
struct ConcertCtlNumericOptionTests {
    @Test(arguments: ["0", "-1", "0.05", "3600.5", "1e9", "nan", "inf"])
    func aTimeoutOutsideItsRangeIsRefusedNamingTheRealRange(value: String) async {
        let run = await runCtl(["status", "--timeout", value, "--socket", "/nonexistent/c.sock"])
        #expect(run.status == 64)
        #expect(run.error.contains("--timeout must be a number of seconds from 0.1 to 3600"), "\(run.error)")
    }

    @Test(arguments: ["0.1", "3600", "2.5"])
    func theEndsOfTheTimeoutRangeAreAccepted(value: String) async {
        let run = await runCtl(["status", "--timeout", value, "--socket", "/nonexistent/c.sock"])
        #expect(run.status == 69, "\(run.error)")
    }

    @Test(arguments: ["0d", "0s", "367d", "8785h"])
    func anOffsetOutsideItsRangeIsRefusedNamingTheRealRange(value: String) async {
        let run = await runCtl(
            ["subscribe", "busan", "--email", "a@example.org", "--before", value, "--socket", "/nonexistent/c.sock"])
        #expect(run.status == 64)
        #expect(run.error.contains("from 1s to 366d"), "\(run.error)")
    }

    @Test func anOffsetTooLargeForAnIntegerIsAUsageErrorNotACrash() async throws {
        let run = try await offPool {
            try runCtlBinary([
                "subscribe", "busan", "--email", "a@example.org", "--before", "9223372036854775807d,1d", "--socket",
                "/nonexistent/c.sock",
            ])
        }
        #expect(run.status == 64, "\(run.error)")
        #expect(run.error.contains("from 1s to 366d"))
    }
}

import ArgumentParser
import ConcertProtocol
import ConcertShared
import Foundation
import Logging

@testable import ConcertDaemon
@testable import concertctl

/// A daemon stand-in answering every method with canned results and remembering the params.
final class CtlFakeHandler: ControlHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var received: [String: JSONValue] = [:]
    private var router = ControlRouter(logger: Logger(label: "test"))

    /// The params of the last request of `method`.
    func params(of method: String) -> JSONValue? { lock.withLock { received[method] } }

    static let subscription = SubscriptionInfo(
        id: "sub-k3m9q2xw7d", cities: ["busan"], kind: "webhook", channel: "https://hooks.slack.com/ser…/***",
        format: "slack", before: ["7d", "1h"], lang: "ko", label: "부산 팀", state: "active")
    static let concert = ConcertInfo(
        id: "busan-2019-10-29", cities: ["busan", "suyeong"], title: BilingualText(ko: "부산 토크콘서트", en: "Busan talk"),
        start: "2019-10-29T14:00:00+09:00", end: "2019-10-29T16:00:00+09:00", timeAnnounced: true)
    static let delivery = DeliveryInfo(
        id: 42, subscription: "sub-k3m9q2xw7d", concert: "busan-2019-10-29", offset: "1d",
        due: "2019-10-28T14:00:00+09:00", state: "failed", attempts: 3, lastError: "HTTP 503")

    /// The canned result of every method, by name.
    static let results: [String: JSONValue] = {
        func value(_ encodable: some Encodable) -> JSONValue { try! JSONCoding.value(of: encodable) }
        return [
            "status": value(FakeControlHandler.status),
            "cities": value(
                CitiesResult(cities: [
                    CityInfo(id: "busan", ko: "부산", koFull: "부산광역시", en: "Busan", concerts: ["busan-2019-10-29"])
                ])),
            "concerts": value(ConcertsResult(concerts: [concert])),
            "concert.add": value(ConcertChangeResult(concert: concert, notices: 2)),
            "concert.reschedule": value(ConcertChangeResult(concert: concert, notices: 3)),
            "concert.cancel": value(ConcertChangeResult(concert: concert, notices: 4)),
            "concert.reset": value(ConcertChangeResult(concert: concert, notices: 1)),
            "subscribe": value(
                SubscribeResult(
                    id: "sub-k3m9q2xw7d", secret: "whsec_c2VjcmV0", subscription: subscription,
                    warnings: ["suyeong has no upcoming concert"])),
            "subscribe.bulk": value(
                SubscribeBulkResult(
                    imported: 1, created: [BulkCreatedSubscription(line: 1, id: "sub-a")],
                    rejected: [BulkRejectedLine(line: 2, reason: "unknown city 'atlantis'")])),
            "subscriptions": value(SubscriptionsResult(subscriptions: [subscription])),
            "unsubscribe": value(SubscriptionChangeResult(subscription: subscription, skipped: 2)),
            "pause": value(SubscriptionChangeResult(subscription: subscription, skipped: 1)),
            "resume": value(SubscriptionChangeResult(subscription: subscription, scheduled: 3)),
            "upcoming": value(DeliveriesResult(deliveries: [delivery])),
            "deliveries": value(DeliveriesResult(deliveries: [delivery])),
            "retry": value(RetryResult(delivery: delivery)),
            "test": value(TestResult(subscription: "sub-k3m9q2xw7d", delivered: true, detail: "HTTP 204")),
            "preview": value(
                PreviewResult(reminders: [
                    PreviewReminder(
                        subscription: "sub-k3m9q2xw7d", concert: "busan-2019-10-29", offset: "1d",
                        due: "2019-10-28T14:00:00+09:00",
                        channel: "a@example.org", lang: "ko", subject: "내일 토크콘서트", body: "내일 14시, 벡스코")
                ])),
            "reload": value(ReloadResult(summary: "catalog unchanged")),
        ]
    }()

    func handle(_ request: ControlRequest, peer: PeerCredentials) async -> ControlReply {
        let id = request.id ?? .null
        lock.withLock { received[request.method] = request.params }
        if case .object(let params) = request.params ?? .null, params["id"] == .string("sub-unknown") {
            return .failure(id: id, error: .notFound("no subscription 'sub-unknown'", field: "id"))
        }
        if request.method == "test", case .object(let params) = request.params ?? .null,
            params["id"] == .string("sub-gone")
        {
            return .success(
                id: id,
                result: TestResult(
                    subscription: "sub-gone", delivered: false, detail: "HTTP 410", subscriptionDisabled: true))
        }
        guard let result = Self.results[request.method] else {
            return .failure(id: id, error: .methodNotFound(request.method))
        }
        return ControlReply(id: id, outcome: .success(result))
    }
}

/// What a concertctl run printed and how it ended.
struct CtlRun: Sendable {
    var status: Int32
    var output: String
    var error: String
}

/// Output captured from an in-process run.
final class CapturedOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var out = ""
    private var err = ""

    var writer: OutputWriter {
        OutputWriter(
            writeOutput: { text in self.lock.withLock { self.out += text } },
            writeError: { text in self.lock.withLock { self.err += text } })
    }

    var output: String { lock.withLock { out } }
    var error: String { lock.withLock { err } }
}

/// Parses and runs concertctl in this process, as `main` would, with output captured.
func runCtl(_ arguments: [String], environment: [String: String] = [:]) async -> CtlRun {
    let captured = CapturedOutput()
    let context = CommandContext(
        output: captured.writer, environment: environment, uid: 4_000_000, fileExists: { _ in false })
    do {
        let command = try ConcertCtl.parseCommandLine(arguments)
        guard let control = command as? any ControlCommand else {
            return CtlRun(status: 0, output: ConcertCtl.helpMessage(for: type(of: command)), error: "")
        }
        try await control.run(in: context)
        return CtlRun(status: 0, output: captured.output, error: captured.error)
    } catch {
        let message = ConcertCtl.message(for: error)
        return CtlRun(
            status: ConcertCtl.exitCode(for: error).rawValue, output: captured.output,
            error: captured.error + (message.isEmpty ? "" : message + "\n"))
    }
}

/// Runs the built `concertctl` binary, which sits beside this test executable (or `executable`,
/// such as `setpriv` running it as another user).
func runCtlBinary(_ arguments: [String], environment: [String: String] = [:], executable: String? = nil) throws
    -> CtlRun
{
    let ctl = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("concertctl")
    let process = Process()
    process.executableURL = executable.map { URL(fileURLWithPath: $0) } ?? ctl
    process.arguments = arguments
    process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { current, _ in current }
    let output = Pipe()
    let error = Pipe()
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CtlRun(
        status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
        error: String(decoding: errData, as: UTF8.self))
}

/// A control server with a ``CtlFakeHandler`` on a temporary socket.
struct CtlServer {
    let socket = TemporarySocket()
    let handler = CtlFakeHandler()
    let server: ControlServer
    var path: String { socket.path }

    init() throws {
        server = ControlServer(
            configuration: .init(socketPath: socket.path), handler: handler, logger: Logger(label: "concertctl.test"))
        try server.start()
    }

    func stop() {
        server.stop()
        socket.remove()
    }
}

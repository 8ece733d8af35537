import ConcertCore
import ConcertMetrics
import ConcertWeb
import Dispatch
import Foundation
import NIOPosix
import Synchronization

extension Daemon {
    /// Connections the web front door serves at once; more wait in the listen queue (the server
    /// stops accepting), so that browsers cannot take the descriptors sends and the store need.
    static let webMaxConnections = 256
    /// Requests that may wait on the store at once; the others wait their turn.
    static let webBlockingThreads = 4

    /// Starts the `web_listen` front door, when one is configured, and logs where it listens. Reads
    /// (or makes, at the first start) the token key first, so the first email already carries its
    /// links. An address that cannot be bound refuses the start as `metrics_listen` does:
    /// temporarily when it is in use, for good when it is not this machine's or needs privileges.
    func startWebServer() throws(StartupError) {
        let configuration = resolved.configuration
        guard let address = configuration.webListen, let baseURL = configuration.effectiveWebBaseURL else { return }
        let settings = Self.webSettings(configuration, baseURL: baseURL)
        let now = clock.now()
        do {
            let keys = try database.webTokenKeys(
                now: now, rotation: settings.tokenKeyRotation, candidate: .generate(now: now))
            if let newest = keys.first { webLinks?.setSigningKey(newest) }
        } catch {
            throw .store(error)
        }
        var mail: WebConfirmationMail?
        if let emailSettings = configuration.emailSettings, let smarthost = configuration.smarthost {
            mail = WebConfirmationMail(settings: emailSettings, smarthost: smarthost, transport: transport)
        }
        let post =
            configuration.webWebhooks
            ? WebConfirmationPost(settings: configuration.webhookSettings, transport: transport) : nil
        let daemon = self
        let scheduler = self.scheduler
        let blocking = NIOThreadPool(numberOfThreads: Self.webBlockingThreads)
        blocking.start()
        let store = DaemonWebStore(
            store: database, catalog: { daemon.catalog }, confirmations: configuration.confirmations, mail: mail,
            post: post, logger: logger, wake: { scheduler.wake() }, blocking: blocking)
        let clock = self.clock
        let frontDoor = WebFrontDoor(
            store: store, settings: settings, links: webLinks, now: { clock.now() }, logger: logger)
        let listener = HTTPListener(
            name: "web", host: address.host, port: address.port, responder: frontDoor.router().buildResponder(),
            maxConnections: Self.webMaxConnections, logger: logger)
        let outcome = Mutex<Result<HTTPListener.Bound, any Error>?>(nil)
        let bound = DispatchSemaphore(value: 0)
        Task {
            do {
                let address = try await listener.start()
                outcome.withLock { $0 = .success(address) }
            } catch {
                outcome.withLock { $0 = .failure(error) }
            }
            bound.signal()
        }
        var failure: MetricsServerError
        if bound.wait(timeout: .now() + .seconds(10)) == .timedOut {
            failure = MetricsServerError(address: address, reason: "the listener did not start within 10 s")
        } else {
            switch outcome.withLock({ $0 }) {
            case .success(let where_)?:
                setWebServer(
                    listener, blocking: blocking, address: ListenAddress(host: address.host, port: where_.port))
                logger.info(
                    "web front door started",
                    metadata: ["web.address": "\(ListenAddress(host: address.host, port: where_.port))"])
                return
            case .failure(let error)?:
                let underlying = (error as? HTTPListener.StartError)?.underlying ?? error
                failure = MetricsServerError(address: address, error: underlying)
            case nil:
                failure = MetricsServerError(address: address, reason: "the listener stopped before it started")
            }
        }
        Self.stop(listener, timeout: .seconds(2))
        blocking.shutdownGracefully { _ in }
        throw StartupError(
            failure.isTemporary ? .temporarilyUnavailable : .configuration,
            "web_listen: cannot listen on \(address): \(failure.reason)")
    }

    /// Stops the front door, if it runs, waiting up to `timeout` for requests being answered.
    func stopWebServer(timeout: Duration = .seconds(1)) {
        guard let (listener, blocking) = takeWebServer() else { return }
        Self.stop(listener, timeout: timeout)
        blocking.shutdownGracefully { _ in }
    }

    private static func stop(_ listener: HTTPListener, timeout: Duration) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await listener.stop()
            done.signal()
        }
        let (seconds, attoseconds) = timeout.components
        _ = done.wait(timeout: .now() + .milliseconds(Int(seconds * 1000 + attoseconds / 1_000_000_000_000_000)))
    }

    /// The front door's settings from the `web_*` keys and the email and reminder settings.
    static func webSettings(_ configuration: DaemonConfiguration, baseURL: String) -> WebSettings {
        let defaults = configuration.defaultReminders.map(\.description)
        var choices = ["7d", "3d", "1d", "3h", "1h", "30m"]
        for offset in defaults where !choices.contains(offset) { choices.append(offset) }
        let proxies = configuration.webTrustedProxies
        return WebSettings(
            baseURL: baseURL, emailEnabled: configuration.emailSettings != nil && configuration.smarthost != nil,
            webhooksEnabled: configuration.webWebhooks, webhookHosts: configuration.webWebhookHosts,
            offsetChoices: choices.sorted { (ReminderOffset($0)?.seconds ?? 0) > (ReminderOffset($1)?.seconds ?? 0) },
            defaultOffsets: defaults,
            limits: ConfirmationLimits(
                perChannel: configuration.webConfirmationsPerAddress, channelWindow: .seconds(86_400),
                perClient: configuration.webConfirmationsPerClient, clientWindow: .seconds(3600)),
            isTrustedProxy: { proxies.contains($0) })
    }
}

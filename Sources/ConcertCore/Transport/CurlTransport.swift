import CCurl
import Foundation

/// The only code that talks to libcurl: one thread running a `curl_multi_poll` loop that sends
/// webhook POSTs and SMTP messages, reusing connections across transfers.
///
/// Any thread may submit; the transport thread is woken with `curl_multi_wakeup`. Each completion is
/// called exactly once, on the transport's serial completion queue (never on the transport thread), also
/// when the transport stops. Timeouts are libcurl's own, on the monotonic clock. The transport does not
/// limit how many transfers run at once: the scheduler does.
public final class CurlTransport: Sendable {
    /// The settings it was started with.
    public let configuration: Configuration
    private let core: TransportCore

    private static let globalInit: Void = {
        _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()

    /// Starts the transport thread.
    ///
    /// Fails only when libcurl cannot create its multi handle (out of memory).
    public init(configuration: Configuration = Configuration()) throws(CurlTransportError) {
        Self.globalInit
        guard let core = TransportCore() else {
            throw CurlTransportError(message: "libcurl could not create a multi handle")
        }
        self.configuration = configuration
        self.core = core
        core.finished.enter()
        let thread = Thread { [core, configuration] in
            TransportLoop(core: core, configuration: configuration).run()
            core.finished.leave()
        }
        // Linux keeps at most 15 bytes of a thread name and ignores a longer one.
        thread.name = "transport"
        thread.start()
    }

    deinit {
        core.requestStop(deadline: .now)
    }

    /// Sends the transfer `build` returns, calling it on the transport thread just before the
    /// transfer starts; the error it throws is the result, and no connection is made.
    ///
    /// HTTP: only `http` and `https` URLs are followed, never a redirect; TLS certificates are
    /// verified; no connection is made to an address the transfer's deny list refuses
    /// (`addressDenied`). SMTP: libcurl dot-stuffs the message and reuses the connection for the
    /// next one; connections to the same smarthost with the same credentials are shared.
    public func send(
        building build: @escaping @Sendable () throws(TransferPreparationError) -> Transfer,
        completion: @escaping @Sendable (TransferResult) -> Void
    ) {
        core.submit(TransferJob(build: build, completion: completion))
    }

    /// Stops the transport: queued transfers fail as `stopped` at once, running ones may finish until
    /// `timeout` and are then aborted as `stopped`.
    ///
    /// Blocks until the transport thread has ended and, unless called from a completion, until every
    /// completion has been called. Later submissions fail as `stopped`. Safe to call more than once.
    public func stop(timeout: Duration = .seconds(5)) {
        core.requestStop(deadline: .now + timeout)
        core.finished.wait()
        if !core.isOnCompletionQueue { core.completionQueue.sync {} }
    }
}

/// The transport could not be started.
public struct CurlTransportError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

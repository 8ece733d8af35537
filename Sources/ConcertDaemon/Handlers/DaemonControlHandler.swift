import ConcertCore
import ConcertProtocol
import Foundation
import Logging

/// Answers control requests from the database and the scheduler: the daemon's side of every
/// `concertctl` command. Nothing else writes the database behind the daemon's back.
///
/// Validation errors are `invalid_input` naming the parameter; a missing concert, subscription
/// or delivery is `not_found`; a change that contradicts the current state is `conflict`.
public struct DaemonControlHandler: ControlHandler {
    let daemon: Daemon
    private let router: ControlRouter

    public init(daemon: Daemon) {
        self.daemon = daemon
        var router = ControlRouter(logger: daemon.logger)
        Self.registerStatus(&router, daemon)
        Self.registerConcerts(&router, daemon)
        Self.registerSubscriptions(&router, daemon)
        Self.registerDeliveries(&router, daemon)
        Self.registerListings(&router, daemon)
        Self.registerBackup(&router, daemon)
        if let metrics = daemon.metrics {
            router.onAnswered = { method, outcome in metrics.countControlRequest(method: method, outcome: outcome) }
        }
        self.router = router
    }

    public func handle(_ request: ControlRequest, peer: PeerCredentials) async -> ControlReply {
        await router.handle(request, peer: peer)
    }

    /// Runs a store call, turning its errors into protocol errors.
    static func store<T>(_ body: () throws -> T) throws(ControlError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            switch error.code {
            case .notFound: throw .notFound(error.message)
            case .conflict: throw .conflict(error.message)
            case .invalid: throw .invalidInput(error.message)
            case .cannotOpen, .newerSchema: throw .unavailable(error.message)
            }
        } catch let error as ControlError {
            throw error
        } catch {
            if let problem = StoreFault.transientDescription(of: error) {
                throw .unavailable("the database cannot be used now: \(problem)")
            }
            throw .internalError()
        }
    }
}

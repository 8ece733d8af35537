import ConcertCore
import ConcertProtocol
import Foundation
import Testing

@testable import ConcertDaemon

/// The control handlers and the daemon's start read a store's errors through `StoreEngineError`
/// alone: another engine's errors get the same answers as SQLite's.
@Suite struct StoreEngineErrorTests {
    struct EngineError: StoreEngineError, CustomStringConvertible {
        var storeFailure: StoreFailure
        var storeMessage: String { "the store's server is restarting (fake engine)" }
        var description: String { "EngineError(57P03)" }
    }

    @Test(arguments: [StoreFailure.temporary, .unavailable])
    func aControlRequestMeetingAnEngineErrorThatMayClearIsUnavailable(_ failure: StoreFailure) {
        let error = #expect(throws: ControlError.self) {
            try DaemonControlHandler.store { () throws -> Int in throw EngineError(storeFailure: failure) }
        }
        #expect(error?.code == .unavailable)
        #expect(error?.message == "the database cannot be used now: the store's server is restarting (fake engine)")
    }

    @Test func aControlRequestMeetingALastingEngineErrorIsAnInternalError() {
        let error = #expect(throws: ControlError.self) {
            try DaemonControlHandler.store { () throws -> Int in throw EngineError(storeFailure: .lasting) }
        }
        #expect(error?.code == .internalError)
    }

    @Test func aStartMeetingATemporaryEngineErrorIsTemporary() {
        #expect(Daemon.StartupError.store(EngineError(storeFailure: .temporary)).kind == .temporarilyUnavailable)
        #expect(Daemon.StartupError.store(EngineError(storeFailure: .unavailable)).kind == .database)
        #expect(Daemon.StartupError.store(EngineError(storeFailure: .lasting)).kind == .database)
    }
}

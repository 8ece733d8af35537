import Foundation
import Testing

@testable import ConcertCore

/// A store that stays away (a PostgreSQL server stopped for an hour) is tried again every minute
/// at the longest: the journal has its first failure and a reminder every fifth try, not a line
/// per try, and its recovery.
@Suite struct DeliveryJournalStoreFaultTests {
    @Test func aStoreFaultIsLoggedFirstThenEveryFifthTryThenItsRecovery() {
        let (logger, entries) = RecordingLogHandler.logger()
        let journal = DeliveryJournal(logger: logger, observer: nil)
        var backoff = StoreFaultBackoff()
        let start = Date(timeIntervalSince1970: 1_571_500_000)
        for minute in 0..<20 {
            let fault = backoff.failed("connection refused", now: start.addingTimeInterval(Double(minute) * 60))
            journal.storeFailed(fault, waitingRecords: 3)
        }
        let errors = entries.messages(at: .error)
        #expect(errors.count == 5, "\(errors)")  // tries 1, 5, 10, 15 and 20
        #expect(errors.first?.contains("could not be read or written") == true)
        #expect(errors.dropFirst().allSatisfy { $0.contains("still cannot") })
        if let fault = backoff.recovered() { journal.storeRecovered(fault) }
        #expect(entries.messages(at: .notice) == ["the outbox can be written again"])
    }
}

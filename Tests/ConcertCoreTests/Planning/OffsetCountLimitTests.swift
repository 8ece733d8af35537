import Foundation
import Testing

@testable import ConcertCore

/// A subscription has at most ``ReminderOffset/maximumCount`` reminders per concert.
@Suite struct OffsetCountLimitTests {
    static func list(_ count: Int) -> String { (1...count).map { "\($0)m" }.joined(separator: ",") }

    @Test func tenOffsetsAreAcceptedAndElevenRefusedNamingTheLimit() throws {
        #expect(try ReminderOffset.parseList(Self.list(10)).count == 10)
        let error = try #require(throws: OffsetListError.self) { try ReminderOffset.parseList(Self.list(11)) }
        #expect(error.tooMany)
        #expect(error.reason == "11 offsets; a subscription has at most 10 reminders per concert")
        let huge = try #require(throws: OffsetListError.self) {
            try ReminderOffset.parseList((1...8499).map { "\($0)s" }.joined(separator: ","))
        }
        #expect(huge.reason.hasPrefix("8499 offsets; a subscription has at most 10"))
        // The message quotes a long list shortened.
        #expect(huge.description.count < 300, "\(huge.description.count)")
    }

    @Test func repeatsCountOnce() throws {
        #expect(try ReminderOffset.parseList(Self.list(10) + "," + Self.list(10)).count == 10)
    }

    @Test func theConfigurationsDefaultRemindersAreCappedToo() throws {
        let found = problems(loading: "default_reminders = \(Self.list(11))\n")
        #expect(found.contains { $0.contains("at most 10 reminders") }, "\(found)")
    }
}

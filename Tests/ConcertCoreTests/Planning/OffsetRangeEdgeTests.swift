import ConcertCore
import Testing

/// Every unit accepts offsets up to 366 days exactly and refuses one step more, whatever the
/// number of digits: `31622400s` is the same offset as `366d`.
@Suite struct OffsetRangeEdgeTests {
    @Test(arguments: [
        ("1s", 1), ("1m", 60), ("1h", 3600), ("1d", 86_400),
        ("1000001s", 1_000_001), ("2592000s", 2_592_000), ("31622400s", 31_622_400),
        ("527040m", 31_622_400), ("8784h", 31_622_400), ("366d", 31_622_400),
    ])
    func everyUnitAcceptsUpToAYearExactly(_ text: String, _ seconds: Int) throws {
        #expect(ReminderOffset(text)?.seconds == seconds)
        #expect(try ReminderOffset.parseList(text).map(\.seconds) == [seconds])
    }

    @Test(arguments: [
        "31622401s", "527041m", "8785h", "367d", "0s", "0m", "0h", "0d",
        "99999999999999999999s", "9223372036854775807d", "9223372036854775807s",
    ])
    func oneStepPastAYearOrZeroIsRefusedInEveryUnit(_ text: String) {
        #expect(ReminderOffset(text) == nil)
        #expect(throws: OffsetListError.self) { try ReminderOffset.parseList(text) }
    }

    @Test func defaultRemindersInTheConfigurationAcceptTheSameRange() throws {
        let loader = ConfigurationLoader(environment: [:])
        let file = "/etc/concertd/concertd.conf"
        let configuration = try loader.load(
            contents: "default_reminders = 31622400s, 527040m, 1000001s, 1s\n", file: file)
        #expect(configuration.defaultReminders.map(\.seconds) == [31_622_400, 1_000_001, 1])
        #expect(throws: ConfigurationError.self) {
            try loader.load(contents: "default_reminders = 31622401s\n", file: file)
        }
    }
}

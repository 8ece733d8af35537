import ConcertCore
import Foundation
import Testing

@Suite struct DueTimeTests {
    let daegu = Fixtures.catalog.concert(id: "daegu-2019")!  // 2019-10-29 14:00–16:00 KST
    let sejong = Fixtures.catalog.concert(id: "sejong-2019")!  // 2019-10-27–28, no time

    @Test(arguments: [
        ("7d", 604_800), ("1d", 86_400), ("3h", 10_800), ("30m", 1_800), ("90s", 90), ("36H", 129_600),
    ])
    func offsetIsParsed(_ text: String, _ seconds: Int) {
        #expect(ReminderOffset(text)?.seconds == seconds)
    }

    @Test(arguments: ["", "7", "d", "-1d", "0h", "1.5h", "1w", "400d", "1d2h"])
    func badOffsetIsRefused(_ text: String) {
        #expect(ReminderOffset(text) == nil)
    }

    @Test func offsetListIsSortedLargestFirstWithoutRepeats() throws {
        #expect(try ReminderOffset.parseList("1h, 7d,1d,1h").map(\.description) == ["7d", "1d", "1h"])
        #expect(ReminderOffset.defaults.map(\.description) == ["7d", "1d", "1h"])
    }

    @Test func badOffsetListNamesTheItem() {
        #expect {
            try ReminderOffset.parseList("7d,soon")
        } throws: { error in
            (error as? OffsetListError)?.description.contains("'soon' is not an offset") == true
        }
    }

    @Test func aZeroOffsetIsRefusedWithAMessageNamingTheRealRange() {
        #expect {
            try ReminderOffset.parseList("0d")
        } throws: { error in
            (error as? OffsetListError)?.description.contains("from 1s to 366d") == true
        }
    }

    @Test func remindersCountBackFromTheStartInKoreaTime() {
        let due = ReminderOffset.defaults.map { ReminderDueTimes.dueTime(for: daegu.schedule, offset: $0) }
        #expect(
            due.map(KoreaTime.iso8601) == [
                "2019-10-22T14:00:00+09:00", "2019-10-28T14:00:00+09:00", "2019-10-29T13:00:00+09:00",
            ])
        // The same instants in UTC: five in the morning.
        #expect(due[0] == Date(timeIntervalSince1970: 1_571_720_400))
    }

    @Test func dueTimesDoNotDependOnTheMachinesTimeZone() {
        let before = ReminderDueTimes.dueTime(for: daegu.schedule, offset: ReminderOffset(seconds: 86_400))
        let saved = NSTimeZone.default
        NSTimeZone.default = TimeZone(identifier: "America/Los_Angeles")!
        defer { NSTimeZone.default = saved }
        #expect(ReminderDueTimes.dueTime(for: daegu.schedule, offset: ReminderOffset(seconds: 86_400)) == before)
        #expect(KoreaTime.iso8601(before) == "2019-10-28T14:00:00+09:00")
    }

    @Test func dateOnlyRemindersAreDueAtNineOnTheDayTheOffsetLandsOn() {
        func due(_ text: String) -> String {
            KoreaTime.iso8601(ReminderDueTimes.dueTime(for: sejong.schedule, offset: ReminderOffset(text)!))
        }
        #expect(due("7d") == "2019-10-20T09:00:00+09:00")
        #expect(due("1d") == "2019-10-26T09:00:00+09:00")
        #expect(due("36h") == "2019-10-26T09:00:00+09:00")
        #expect(due("3h") == "2019-10-27T09:00:00+09:00")
        #expect(due("90s") == "2019-10-27T09:00:00+09:00")
    }

    @Test func subscriptionTwoHoursBeforeGetsOnlyItsOneHourReminder() {
        let created = Fixtures.korea("2019-10-29T12:00")
        let planned = ReminderDueTimes.reminders(
            for: daegu, offsets: ReminderOffset.defaults, after: created, now: created)
        #expect(planned.map(\.offset.description) == ["1h"])
        #expect(planned.map { KoreaTime.iso8601($0.due) } == ["2019-10-29T13:00:00+09:00"])
    }

    @Test func reminderDueExactlyAtCreationIsNotSent() {
        let created = Fixtures.korea("2019-10-28T14:00")
        let planned = ReminderDueTimes.reminders(
            for: daegu, offsets: ReminderOffset.defaults, after: created, now: created)
        #expect(planned.map(\.offset.description) == ["1h"])
    }

    @Test func finishedAndCancelledConcertsGetNoReminders() {
        let afterwards = Fixtures.korea("2019-10-29T16:00")
        #expect(
            ReminderDueTimes.reminders(
                for: daegu, offsets: ReminderOffset.defaults, after: .distantPast, now: afterwards
            ).isEmpty)
        var cancelled = daegu
        cancelled.status = .cancelled
        let early = Fixtures.korea("2019-10-01T00:00")
        #expect(
            ReminderDueTimes.reminders(for: cancelled, offsets: ReminderOffset.defaults, after: early, now: early)
                .isEmpty)
    }

    @Test func dateOnlyOffsetsFallingOnTheSameMomentGiveOneReminder() {
        let early = Fixtures.korea("2019-10-01T00:00")
        let offsets = try! ReminderOffset.parseList("1d,36h,3h,1h")
        let planned = ReminderDueTimes.reminders(for: sejong, offsets: offsets, after: early, now: early)
        #expect(planned.map(\.offset.description) == ["36h", "3h"])
    }

    @Test(arguments: [
        ("2019-10-29T14:00+09:00", "2019-10-29T14:00:00+09:00"),
        ("2019-10-29T05:00Z", "2019-10-29T14:00:00+09:00"),
        ("2019-10-29T14:00", "2019-10-29T14:00:00+09:00"),
        ("2019-10-29 14:00:30", "2019-10-29T14:00:30+09:00"),
        ("2019-10-28T21:00-08:00", "2019-10-29T14:00:00+09:00"),
    ])
    func momentsAreReadInKoreaTimeUnlessAnOffsetIsGiven(_ text: String, _ expected: String) {
        guard case .instant(let date)? = KoreaTime.parseMoment(text) else {
            Issue.record("'\(text)' did not parse")
            return
        }
        #expect(KoreaTime.iso8601(date) == expected)
    }

    @Test(arguments: [
        "2019-02-29", "2019-10-29T24:00", "2019-10-29T14", "29.10.2019", "2019-10-29T14:00+9", "+999-01-01",
        "2019-+1-01", "2019-10-+1",
    ])
    func impossibleMomentsAreRefused(_ text: String) {
        #expect(KoreaTime.parseMoment(text) == nil)
    }

    /// `localDate(of:)` is arithmetic on the fixed offset; the calendar is its oracle, around
    /// midnight in Korea, on leap days and before 1970.
    @Test func koreanCalendarDayMatchesTheCalendarsAnswer() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 9 * 3600)!
        let moments: [TimeInterval] =
            [-86_400 * 400 - 1, -32_401, -32_400, -1, 0, 53_999, 54_000, 951_782_399, 951_782_400, 1_572_307_199.5]
            + stride(from: 1_500_000_000.0, to: 1_700_000_000.0, by: 3_599_999.7).map { $0 }
        for seconds in moments {
            let date = Date(timeIntervalSince1970: seconds)
            let c = calendar.dateComponents([.year, .month, .day], from: date)
            #expect(
                KoreaTime.localDate(of: date) == LocalDate(year: c.year!, month: c.month!, day: c.day!), "\(seconds)")
        }
    }
}

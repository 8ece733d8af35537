import Foundation

/// How messages write dates, times, how far ahead, people and lists, in Korean and in English.
///
/// Everything is in Korea time (UTC+09:00) whatever the machine's time zone, and independent of
/// Foundation's locale data, so messages read the same on every machine.
enum MessageWording {
    static let koreanWeekdays = ["일", "월", "화", "수", "목", "금", "토"]
    static let englishWeekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let englishMonths = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// `2019년 10월 29일 (화) 14:00–16:00`, `Tuesday 29 October 2019, 14:00–16:00 KST`; for a
    /// date-only concert its days and `시간 미정` / `time not announced`.
    static func when(_ schedule: ConcertSchedule, in language: Language) -> String {
        switch schedule {
        case .timed(let start, let end):
            let first = KoreaTime.localDate(of: start)
            let last = KoreaTime.localDate(of: end)
            let from = clock(start)
            let to = clock(end)
            switch language {
            case .ko:
                if first == last { return "\(koreanDate(first)) \(from)–\(to)" }
                return "\(koreanDate(first)) \(from) ~ \(koreanDate(last, omittingYearOf: first)) \(to)"
            case .en:
                if first == last { return "\(englishDate(first)), \(from)–\(to) KST" }
                return "\(englishDate(first)), \(from) – \(englishDate(last)), \(to) KST"
            }
        case .dateOnly(let first, let last):
            switch language {
            case .ko:
                let days =
                    first == last
                    ? koreanDate(first) : "\(koreanDate(first)) ~ \(koreanDate(last, omittingYearOf: first))"
                return "\(days), 시간 미정"
            case .en:
                return "\(englishDays(first, last)), time not announced"
            }
        }
    }

    /// How far ahead the concert is at `now`: `1시간 후`, `내일`, `7일 후` / `in 1 hour`, `tomorrow`, `in 7 days`.
    ///
    /// Less than 12 hours ahead, the exact time left (to the minute); otherwise calendar days in
    /// Korea (`오늘`, `내일`, `N일 후`). A date-only concert counts days only. A concert that has
    /// begun is `진행 중` / `under way`, one that has ended `종료` / `over`.
    static func ahead(from now: Date, to schedule: ConcertSchedule, in language: Language) -> String {
        if now >= schedule.end { return language == .ko ? "종료" : "over" }
        let today = KoreaTime.localDate(of: now)
        switch schedule {
        case .timed(let start, _):
            let seconds = start.timeIntervalSince(now)
            if seconds <= 0 { return language == .ko ? "진행 중" : "under way" }
            if seconds < 12 * 3600 {
                return duration(minutes: max(1, Int((seconds / 60).rounded())), in: language)
            }
            return days(KoreaTime.localDate(of: start).daysSinceEpoch - today.daysSinceEpoch, in: language)
        case .dateOnly(let first, _):
            let days = first.daysSinceEpoch - today.daysSinceEpoch
            if days < 0 { return language == .ko ? "진행 중" : "under way" }
            return self.days(days, in: language)
        }
    }

    /// `ZED 이명주 대표` / `Lee Myeong-ju, CEO, ZED`.
    static func speaker(_ speaker: Speaker, in language: Language) -> String {
        switch language {
        case .ko:
            [speaker.affiliation.ko, speaker.name.ko, speaker.role.ko].filter { !$0.isEmpty }.joined(separator: " ")
        case .en:
            [speaker.name.en, speaker.role.en, speaker.affiliation.en].filter { !$0.isEmpty }.joined(separator: ", ")
        }
    }

    /// `공주·부여` / `Gongju and Buyeo`.
    static func cities(_ cities: [City], in language: Language) -> String {
        let names = cities.map { $0.name(in: language) }
        switch language {
        case .ko: return names.joined(separator: "·")
        case .en: return list(names)
        }
    }

    /// `7일 전, 1일 전, 1시간 전` / `7 days, 1 day and 1 hour` (the English template adds "before").
    static func offsets(_ offsets: [ReminderOffset], in language: Language) -> String {
        let sorted = offsets.sorted(by: >)
        switch language {
        case .ko: return sorted.map { offset($0, in: .ko) + " 전" }.joined(separator: ", ")
        case .en: return list(sorted.map { offset($0, in: .en) })
        }
    }

    /// `1일` / `1 day`, in the offset's largest exact unit.
    static func offset(_ offset: ReminderOffset, in language: Language) -> String {
        let units: [(seconds: Int, ko: String, en: String)] = [
            (86_400, "일", "day"), (3600, "시간", "hour"), (60, "분", "minute"), (1, "초", "second"),
        ]
        let unit = units.first(where: { offset.seconds % $0.seconds == 0 }) ?? units[3]
        let value = offset.seconds / unit.seconds
        switch language {
        case .ko: return "\(value)\(unit.ko)"
        case .en: return english(value, unit.en)
        }
    }

    static func koreanDate(_ date: LocalDate, omittingYearOf other: LocalDate? = nil) -> String {
        let day = "\(date.month)월 \(date.day)일 (\(koreanWeekdays[date.weekday]))"
        return other?.year == date.year ? day : "\(date.year)년 \(day)"
    }

    static func englishDate(_ date: LocalDate) -> String {
        "\(englishWeekdays[date.weekday]) \(date.day) \(englishMonths[date.month - 1]) \(date.year)"
    }

    private static func englishDays(_ first: LocalDate, _ last: LocalDate) -> String {
        if first == last { return englishDate(first) }
        let firstDay = "\(englishWeekdays[first.weekday]) \(first.day)"
        if first.year == last.year && first.month == last.month { return "\(firstDay) – \(englishDate(last))" }
        if first.year == last.year { return "\(firstDay) \(englishMonths[first.month - 1]) – \(englishDate(last))" }
        return "\(englishDate(first)) – \(englishDate(last))"
    }

    private static func clock(_ date: Date) -> String {
        let time = KoreaTime.timeOfDay(date)
        return String(format: "%02d:%02d", time.hour, time.minute)
    }

    private static func duration(minutes: Int, in language: Language) -> String {
        let hours = minutes / 60
        let rest = minutes % 60
        switch language {
        case .ko:
            let parts = (hours > 0 ? ["\(hours)시간"] : []) + (rest > 0 ? ["\(rest)분"] : [])
            return parts.joined(separator: " ") + " 후"
        case .en:
            let parts = (hours > 0 ? [english(hours, "hour")] : []) + (rest > 0 ? [english(rest, "minute")] : [])
            return "in " + parts.joined(separator: " ")
        }
    }

    private static func days(_ count: Int, in language: Language) -> String {
        switch (count, language) {
        case (...0, .ko): "오늘"
        case (...0, .en): "today"
        case (1, .ko): "내일"
        case (1, .en): "tomorrow"
        case (_, .ko): "\(count)일 후"
        case (_, .en): "in \(count) days"
        }
    }

    private static func english(_ value: Int, _ unit: String) -> String {
        "\(value) \(unit)\(value == 1 ? "" : "s")"
    }

    /// `a`, `a and b`, `a, b and c`.
    private static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}

extension ConcertSchedule {
    /// The date, weekday and time in Korea time, as messages write them (the web front page too).
    public func wording(in language: Language) -> String {
        MessageWording.when(self, in: language)
    }
}

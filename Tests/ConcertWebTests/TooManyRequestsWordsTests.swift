import Testing

@testable import ConcertWeb

/// The 429 page says how long to wait in the words a person reads: minutes under an hour, whole
/// hours (rounded up) beyond, never "1058 minutes"; and it does not call a day's limit "a short time".
struct TooManyRequestsWordsTests {
    @Test(arguments: [
        (1, "Please try again in 1 minute."), (45, "Please try again in 45 minutes."),
        (60, "Please try again in an hour."), (61, "Please try again in 2 hours."),
        (1058, "Please try again in 18 hours."),
    ])
    func theWaitIsInMinutesUnderAnHourAndInHoursBeyond(minutes: Int, ending: String) {
        let text = Words(language: .en).tooManyText(minutes: minutes)
        #expect(text.hasSuffix(ending), "\(text)")
        #expect(!text.contains("short time"))
    }

    @Test func koreanSaysHoursToo() {
        #expect(Words(language: .ko).tooManyText(minutes: 1058).contains("18시간 뒤에"))
        #expect(Words(language: .ko).tooManyText(minutes: 5).contains("5분 뒤에"))
    }
}

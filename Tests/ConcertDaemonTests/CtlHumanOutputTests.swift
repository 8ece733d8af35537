import ConcertProtocol
import Testing

@testable import concertctl

/// concertctl's human output: one way of writing a time, a notice described without an offset,
/// and no column that is always empty.
@Suite struct CtlHumanOutputTests {
    func delivery(kind: String, offset: String = "0s", state: String = "scheduled", nextAttempt: String? = nil)
        -> DeliveryInfo
    {
        DeliveryInfo(
            id: 7, subscription: "sub-1", concert: "busan-2019", kind: kind, offset: offset,
            due: "2019-10-25T10:00:00+09:00", state: state, nextAttempt: nextAttempt)
    }

    @Test func theClockIsWrittenLikeEveryOtherTimeWithItsSeconds() {
        #expect(Display.time("2019-10-21T09:04:33+09:00", seconds: true) == "2019-10-21 09:04:33")
        #expect(Display.time("2019-10-21T09:04:33+09:00") == "2019-10-21 09:04")
    }

    @Test func aNoticeIsDescribedByItsKindAndAReminderByItsOffset() {
        #expect(Display.what(delivery(kind: "reminder", offset: "1d")) == "reminder 1d before")
        for kind in ["change", "cancellation", "new_concert", "confirmation", "test"] {
            let text = Display.what(delivery(kind: kind))
            #expect(!text.contains("0s") && !text.contains("before"), "\(kind): \(text)")
        }
        #expect(Display.offset(delivery(kind: "change")) == "-")
        #expect(Display.offset(delivery(kind: "reminder", offset: "1h")) == "1h")
    }

    @Test func statusNextDueIsTheNextAttemptOfARetryNotItsFirstDueTime() {
        let retrying = delivery(
            kind: "reminder", offset: "1d", state: "retrying", nextAttempt: "2019-10-25T11:10:00+09:00")
        #expect(
            Display.nextDue(retrying)
                == "2019-10-25 11:10  sub-1  busan-2019 (reminder 1d before; retrying, first due 2019-10-25 10:00)")
        #expect(
            Display.nextDue(delivery(kind: "reminder", offset: "1d"))
                == "2019-10-25 10:00  sub-1  busan-2019 (reminder 1d before)")
    }

    @Test func upcomingHasNoAlwaysEmptyColumnAndShowsARetrysNextAttempt() {
        var table = PagedTable.upcoming()
        let rows = PagedTable.upcomingRows([
            delivery(kind: "reminder", offset: "1d"),
            delivery(kind: "change", state: "retrying", nextAttempt: "2019-10-25T09:10:00+09:00"),
        ])
        let text = table.render(rows, before: 0).text
        #expect(!text.contains("WHEN"), "\(text)")
        #expect(text.contains("retrying (next 2019-10-25 09:10)"), "\(text)")
    }
}

import ConcertCore
import Foundation
import GRDB
import Testing

/// Changes while running: new subscriptions, new concerts, reschedules and cancellations.
@Suite(.timeLimit(.minutes(1))) struct SchedulerChangeTests {
    @Test func newSubscriptionIsConfirmedWithItsNextConcertAtOnce() throws {
        let h = try SchedulerHarness(now: "2019-10-20T10:00")
        try h.scheduler.start()
        let subscription = try h.subscribe(["buyeo"], confirm: true)
        #expect(h.webhook.kinds == ["confirmation:0s"])
        #expect(h.webhook.messages.first?.concert.concert.id == "gongju-buyeo-2019")
        #expect(h.webhook.messages.first?.cities.map(\.id) == ["buyeo"])
        #expect(h.timer.armedFor == Fixtures.korea("2019-10-23T14:00"))
        #expect(try h.states(subscription).count == 3)
    }

    @Test func concertAddedInASubscribedCityIsAnnouncedOnceAndReminded() throws {
        let h = try SchedulerHarness(now: "2019-11-01T10:00")
        try h.scheduler.start()
        let subscription = try h.subscribe(["busan"])
        #expect(h.webhook.messages.isEmpty, "Busan's concert is over")
        let encore = Concert(
            id: "busan-encore", cities: ["busan"], title: LocalizedText(ko: "앙코르", en: "Encore"),
            schedule: .timed(start: Fixtures.korea("2019-11-20T14:00"), end: Fixtures.korea("2019-11-20T16:00")))
        try h.database.addConcert(encore, now: h.clock.now())
        h.scheduler.wake()
        h.settle()
        #expect(h.webhook.kinds == ["new_concert:0s"])
        #expect(
            try h.states(subscription) == [
                "new_concert:0s sent", "reminder:7d scheduled", "reminder:1d scheduled", "reminder:1h scheduled",
            ])
        // Importing the catalog again changes nothing and announces nothing twice.
        try h.database.importCatalog(Fixtures.catalog, now: h.clock.now())
        h.scheduler.wake()
        h.settle()
        #expect(h.webhook.kinds == ["new_concert:0s"])
    }

    @Test func rescheduledConcertRecomputesRemindersAndTellsThoseAlreadyReminded() throws {
        let h = try SchedulerHarness(now: "2019-10-01T10:00")
        try h.scheduler.start()
        let reminded = try h.subscribe(["daegu"])
        h.advance(to: "2019-10-22T14:00")
        #expect(h.webhook.kinds == ["reminder:7d"])
        let late = try h.subscribe(["daegu"], webhook: "https://late.example.org/x")
        // Moved two days later and to a new venue.
        try h.database.changeConcert(id: "daegu-2019", now: h.clock.now()) { concert in
            concert.schedule = .timed(
                start: Fixtures.korea("2019-10-31T14:00"), end: Fixtures.korea("2019-10-31T16:00"))
            concert.venue = LocalizedText(ko: "대구 엑스코", en: "EXCO, Daegu")
        }
        h.scheduler.wake()
        h.settle()
        #expect(h.webhook.kinds == ["reminder:7d", "change:0s"], "only the subscriber already reminded is told")
        let notice = try #require(h.webhook.messages.last)
        #expect(notice.subscription.id == reminded.id)
        #expect(notice.previous?.start == "2019-10-29T14:00:00+09:00")
        #expect(notice.concert.concert.venue?.en == "EXCO, Daegu")
        #expect(
            try h.states(reminded) == [
                "reminder:7d sent", "change:0s sent", "reminder:1d skipped(revised)", "reminder:1h skipped(revised)",
                "reminder:1d scheduled", "reminder:1h scheduled",
            ])
        #expect(
            try h.states(late) == [
                "reminder:7d scheduled", "reminder:1d skipped(revised)", "reminder:1h skipped(revised)",
                "reminder:1d scheduled", "reminder:1h scheduled",
            ])
        h.advance(to: "2019-10-24T14:00")
        #expect(h.webhook.kinds == ["reminder:7d", "change:0s", "reminder:7d"], "the 7d reminder is not sent twice")
    }

    @Test func cancelledConcertSkipsItsRemindersAndTellsThoseAlreadyReminded() throws {
        let h = try SchedulerHarness(now: "2019-10-01T10:00")
        try h.scheduler.start()
        let reminded = try h.subscribe(["daegu"])
        h.advance(to: "2019-10-22T14:00")
        let never = try h.subscribe(["daegu"], webhook: "https://never.example.org/x")
        try h.database.changeConcert(id: "daegu-2019", now: h.clock.now()) { $0.status = .cancelled }
        h.scheduler.wake()
        h.settle()
        #expect(h.webhook.kinds == ["reminder:7d", "cancellation:0s"])
        #expect(
            try h.states(reminded) == [
                "reminder:7d sent", "cancellation:0s sent", "reminder:1d skipped(cancelled)",
                "reminder:1h skipped(cancelled)",
            ])
        #expect(try h.states(never) == ["reminder:1d skipped(cancelled)", "reminder:1h skipped(cancelled)"])
        #expect(h.timer.armedFor == nil)
    }

    @Test func catalogConcertRemovedFromTheFileIsCancelled() throws {
        let h = try SchedulerHarness(now: "2019-10-01T10:00")
        let subscription = try h.subscribe(["goyang"])
        var catalog = Fixtures.catalog
        catalog.concerts.removeAll { $0.id == "goyang-2019" }
        let changes = try h.database.importCatalog(catalog, now: h.clock.now())
        #expect(changes.cancelled == ["goyang-2019"])
        #expect(try h.states(subscription).allSatisfy { $0.hasSuffix("skipped(cancelled)") })
    }

    @Test func pausedSubscriptionSkipsItsRemindersAndResumesFromNow() throws {
        let h = try SchedulerHarness(now: "2019-10-01T10:00")
        try h.scheduler.start()
        let subscription = try h.subscribe(["daegu"])
        try h.database.setSubscriptionState(id: subscription.id, to: .paused, now: h.clock.now())
        h.scheduler.wake()
        h.advance(to: "2019-10-25T10:00")
        #expect(h.webhook.messages.isEmpty)
        try h.database.setSubscriptionState(id: subscription.id, to: .active, now: h.clock.now())
        h.scheduler.wake()
        h.settle()
        #expect(
            try h.states(subscription) == [
                "reminder:7d skipped(paused)", "reminder:1d scheduled", "reminder:1h scheduled",
            ])
    }
}

import Foundation
import Testing

@testable import ConcertCore

/// The planning rules on their own: a subscription and a concert in, the rows to queue and the
/// rows to skip out, with no store. The facts a store would read (offsets already sent, whether a
/// subscriber heard of the concert) are passed in.
@Suite struct DeliveryPlannerTests {
    /// 2019-10-29 14:00–16:00 KST.
    let start = Fixtures.korea("2019-10-29T14:00")
    let week: ReminderOffset = ReminderOffset(seconds: 604_800)
    let day: ReminderOffset = ReminderOffset(seconds: 86_400)
    let hour: ReminderOffset = ReminderOffset(seconds: 3_600)

    func concert(
        revision: Int = 1, start: Date? = nil, venue: LocalizedText? = nil, status: Concert.Status = .scheduled
    ) -> StoredConcert {
        let start = start ?? self.start
        return StoredConcert(
            concert: Concert(
                id: "daegu-2019", cities: ["daegu"], venue: venue, schedule: .timed(start: start, end: start + 7200),
                status: status),
            origin: .catalog, revision: revision)
    }

    func subscription(_ id: String = "s1", language: Language = .ko) -> Subscription {
        Subscription(
            id: id, channel: .webhook(url: "https://hooks.example/x", format: "generic", secret: nil),
            cities: ["daegu"], offsets: [week, day, hour], language: language,
            createdAt: Date(timeIntervalSince1970: 0))
    }

    @Test func aSubscriptionGetsEachOffsetStillAheadCountedBackFromTheStart() {
        let now = start - 2 * 86_400
        let rows = DeliveryPlanner.reminders(
            for: subscription(), concert: concert(), after: now, now: now, alreadySent: { [] })
        #expect(rows.map(\.offset) == [day, hour])
        #expect(rows.map(\.due) == [start - 86_400, start - 3_600])
        #expect(rows.allSatisfy { $0.kind == .reminder && $0.deadline == start && $0.concertRevision == 1 })
    }

    @Test func offsetsAlreadySentForAnEarlierRevisionAreNotPlannedAgain() {
        let now = start - 10 * 86_400
        let rows = DeliveryPlanner.reminders(
            for: subscription(), concert: concert(revision: 2), after: now, now: now,
            alreadySent: { [self.week.seconds] })
        #expect(rows.map(\.offset) == [day, hour])
        #expect(rows.allSatisfy { $0.concertRevision == 2 })
    }

    @Test func aConcertThatIsOverOrCancelledGetsNoRemindersAndTheStoreIsNotAsked() {
        var asked = false
        let over = DeliveryPlanner.reminders(
            for: subscription(), concert: concert(), after: start + 86_400, now: start + 86_400,
            alreadySent: {
                asked = true
                return []
            })
        let cancelled = DeliveryPlanner.reminders(
            for: subscription(), concert: concert(status: .cancelled), after: start - 9 * 86_400,
            now: start - 9 * 86_400,
            alreadySent: {
                asked = true
                return []
            })
        #expect(over.isEmpty && cancelled.isEmpty)
        #expect(!asked)
    }

    @Test func theNextConcertIsTheFirstScheduledOneWhoseRemindersAreNotOver() {
        let now = start - 86_400
        let past = concert(start: start - 10 * 86_400)
        let cancelled = concert(start: start - 3_600, status: .cancelled)
        let next = concert()
        #expect(DeliveryPlanner.nextConcert(of: [past, cancelled, next], now: now) == next)
        #expect(DeliveryPlanner.nextConcert(of: [past, cancelled], now: now) == nil)
        let confirmation = DeliveryPlanner.confirmation(of: subscription(), naming: next, now: now)
        #expect(confirmation.kind == .confirmation && confirmation.due == now && confirmation.offset.seconds == 0)
    }

    @Test func aNewConcertIsAnnouncedOnlyWhileItsRemindersAreAhead() {
        #expect(DeliveryPlanner.isAnnounced(concert(), now: start - 1))
        #expect(!DeliveryPlanner.isAnnounced(concert(), now: start))
        #expect(!DeliveryPlanner.isAnnounced(concert(status: .cancelled), now: start - 86_400))
    }

    @Test func aChangeSkipsThePendingRowsOfEarlierRevisionsAsRevised() {
        let change = DeliveryPlanner.Change(from: concert(), to: concert(revision: 2, start: start + 3_600))
        #expect(change.skip == DeliveryPlanner.PendingSkip(concertID: "daegu-2019", belowRevision: 2, reason: .revised))
        #expect(
            DeliveryPlanner.cancellationSkip(of: concert())
                == DeliveryPlanner.PendingSkip(concertID: "daegu-2019", belowRevision: Int.max, reason: .cancelled))
    }

    @Test func aChangeIsToldOnlyToThoseWhoReadItAndHaveHeardOfTheConcert() throws {
        let now = start - 86_400
        let old = concert(venue: LocalizedText(ko: "시청", en: "City Hall"))
        // Only the English name changes: Korean readers see the same venue.
        let new = concert(revision: 2, venue: LocalizedText(ko: "시청", en: "City Hall, main hall"))
        let change = DeliveryPlanner.Change(from: old, to: new)
        var asked = false
        let korean = change.notice(to: subscription(language: .ko), now: now) {
            asked = true
            return true
        }
        #expect(korean == .sameInLanguage)
        #expect(!asked)
        #expect(change.notice(to: subscription(language: .en), now: now) { false } == .notTold)
        guard case .queue(let row) = change.notice(to: subscription(language: .en), now: now, hasHeard: { true })
        else {
            Issue.record("no notice for an English subscriber who heard of the concert")
            return
        }
        #expect(row.kind == .change && row.due == now && row.concertRevision == 2)
        let detail = try #require(row.detail)
        #expect(detail.contains("\"en\":\"City Hall\""))
    }

    @Test func aCancellationIsToldOnlyToThoseWhoHaveHeardOfTheConcert() {
        let now = start - 86_400
        let cancelled = concert(revision: 2, status: .cancelled)
        #expect(
            DeliveryPlanner.cancellationNotice(to: subscription(), of: cancelled, now: now) { false } == .notTold)
        let told = DeliveryPlanner.cancellationNotice(to: subscription(), of: cancelled, now: now) { true }
        guard case .queue(let row) = told else {
            Issue.record("no cancellation notice for a subscriber who heard of the concert")
            return
        }
        #expect(row.kind == .cancellation && row.subscriptionID == "s1")
    }

    @Test func aStoppedSubscriptionsRowsAreSkippedWithItsState() {
        #expect(Subscription.State.active.skipReason == nil)
        #expect(Subscription.State.paused.skipReason == .paused)
        #expect(Subscription.State.disabled.skipReason == .disabled)
        #expect(Subscription.State.removed.skipReason == .removed)
    }
}

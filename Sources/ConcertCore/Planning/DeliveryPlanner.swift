import Foundation

/// Which delivery rows a subscription or a change to a concert implies: the reminders at the
/// subscription's offsets, its confirmation, and the notices of a new, changed or cancelled concert.
///
/// Pure: a store hands it the facts it asks for (the concerts, the offsets a subscriber already
/// got, whether it has heard of a concert), writes the rows it returns and skips the pending rows
/// it names, all in the transaction of the change. Every store engine plans through it;
/// ``ReminderDueTimes`` computes the due times.
///
/// A store keeps one rule of its own: a row has one identity (subscription, concert, revision,
/// kind and offset). Queuing a row that exists keeps the existing one, unless that one was skipped
/// because its subscription was paused or disabled: then it comes back, due at the new row's time.
public enum DeliveryPlanner {
    /// One delivery row to queue, `scheduled` and due at `due`.
    public struct Row: Hashable, Sendable {
        public var subscriptionID: String
        public var concertID: String
        public var concertRevision: Int
        public var kind: Delivery.Kind
        /// The reminder's offset; zero for a notice.
        public var offset: ReminderOffset
        public var due: Date
        /// The concert's reminder deadline: a row not sent by then is skipped as `missed`.
        public var deadline: Date?
        /// The facts before a change, for a change notice (``changeDetail(_:)``).
        public var detail: String?

        init(
            _ kind: Delivery.Kind, to subscription: Subscription, about concert: StoredConcert,
            offset: ReminderOffset = ReminderOffset(seconds: 0), due: Date, detail: String? = nil
        ) {
            self.subscriptionID = subscription.id
            self.concertID = concert.concert.id
            self.concertRevision = concert.revision
            self.kind = kind
            self.offset = offset
            self.due = due
            self.deadline = concert.concert.schedule.reminderDeadline
            self.detail = detail
        }
    }

    /// Pending rows of one concert to skip: those of a revision below `belowRevision`.
    public struct PendingSkip: Hashable, Sendable {
        public var concertID: String
        public var belowRevision: Int
        public var reason: Delivery.SkipReason
    }

    /// What a change to a concert tells one subscriber.
    public enum Notice: Hashable, Sendable {
        /// A notice to queue.
        case queue(Row)
        /// Nothing: what the subscriber reads (its language's venue, the time) did not change.
        case sameInLanguage
        /// Nothing: no message about the concert has reached the subscriber yet, so its next
        /// reminder tells it the new facts.
        case notTold
    }

    /// The reminders `subscription` gets for `concert`: those ``ReminderDueTimes`` finds due after
    /// `after` (none whose moment had passed, none of a concert cancelled or over), less the offsets
    /// already sent or being sent for any revision of the concert, so that a change does not repeat
    /// them. `alreadySent` is asked only when some reminder is planned.
    public static func reminders(
        for subscription: Subscription, concert: StoredConcert, after: Date, now: Date,
        alreadySent: () throws -> Set<Int>
    ) rethrows -> [Row] {
        let planned = ReminderDueTimes.reminders(
            for: concert.concert, offsets: subscription.offsets, after: after, now: now)
        guard !planned.isEmpty else { return [] }
        let sent = try alreadySent()
        return planned.filter { !sent.contains($0.offset.seconds) }.map {
            Row(.reminder, to: subscription, about: concert, offset: $0.offset, due: $0.due)
        }
    }

    /// The concert a new or resumed subscription hears of next: the first of `concerts` (in start
    /// order) that is scheduled and whose reminders are not over at `now`.
    public static func nextConcert(of concerts: [StoredConcert], now: Date) -> StoredConcert? {
        concerts.first { isAhead($0, now: now) }
    }

    /// A new subscription's confirmation, due now, naming `next`; when the next concerts of its
    /// cities among `concerts` are more than one, its detail names each, soonest first
    /// (``ConfirmationDetail``), so that the message names every city's next concert.
    public static func confirmation(
        of subscription: Subscription, naming next: StoredConcert, among concerts: [StoredConcert] = [], now: Date
    ) -> Row {
        let each = nextConcerts(of: subscription, among: concerts, now: now)
        let detail = each.count > 1 ? ConfirmationDetail(nextConcerts: each.map(\.concert.id)).text : nil
        return Row(.confirmation, to: subscription, about: next, due: now, detail: detail)
    }

    /// The next concert of each of the subscription's cities among `concerts`, each once (a joint
    /// concert serves several), soonest first.
    public static func nextConcerts(
        of subscription: Subscription, among concerts: [StoredConcert], now: Date
    ) -> [StoredConcert] {
        var found: [StoredConcert] = []
        for city in subscription.cities {
            guard let next = concerts.first(where: { $0.concert.cities.contains(city) && isAhead($0, now: now) }),
                !found.contains(where: { $0.concert.id == next.concert.id })
            else { continue }
            found.append(next)
        }
        return found.sorted {
            ($0.concert.schedule.start, $0.concert.id) < ($1.concert.schedule.start, $1.concert.id)
        }
    }

    /// Whether the subscribers of a concert new to the store hear of it: only while it is
    /// scheduled and its reminders are not over.
    public static func isAnnounced(_ concert: StoredConcert, now: Date) -> Bool {
        isAhead(concert, now: now)
    }

    /// The notice of a concert new to the store, due now.
    public static func newConcertNotice(to subscription: Subscription, of concert: StoredConcert, now: Date) -> Row {
        Row(.newConcert, to: subscription, about: concert, due: now)
    }

    /// What a change of a concert's time or venue implies, worked out once for all its subscribers.
    public struct Change: Sendable {
        public let new: StoredConcert
        /// The languages in which the announced facts differ: subscribers reading another are not told.
        let toldIn: Set<Language>
        /// The facts before the change, for the notice.
        let detail: String

        public init(from old: StoredConcert, to new: StoredConcert) {
            self.new = new
            toldIn = Set(
                Language.allCases.filter { old.concert.announcedFacts(in: $0) != new.concert.announcedFacts(in: $0) })
            detail = DeliveryPlanner.changeDetail(old.concert)
        }

        /// Pending rows of earlier revisions are skipped as `revised`: reminders are planned anew
        /// for the new revision (``DeliveryPlanner/reminders(for:concert:after:now:alreadySent:)``).
        public var skip: PendingSkip {
            PendingSkip(concertID: new.concert.id, belowRevision: new.revision, reason: .revised)
        }

        /// One change notice for a subscriber who reads the change and has already heard of the
        /// concert (`hasHeard`, asked only for those who read it).
        public func notice(to subscription: Subscription, now: Date, hasHeard: () throws -> Bool) rethrows -> Notice {
            guard toldIn.contains(subscription.language) else { return .sameInLanguage }
            guard try hasHeard() else { return .notTold }
            return .queue(Row(.change, to: subscription, about: new, due: now, detail: detail))
        }
    }

    /// A cancelled concert's pending rows, of every revision, are skipped as `cancelled`.
    public static func cancellationSkip(of concert: StoredConcert) -> PendingSkip {
        PendingSkip(concertID: concert.concert.id, belowRevision: Int.max, reason: .cancelled)
    }

    /// A cancellation notice for a subscriber who has already heard of the concert (`hasHeard`).
    public static func cancellationNotice(
        to subscription: Subscription, of concert: StoredConcert, now: Date, hasHeard: () throws -> Bool
    ) rethrows -> Notice {
        guard try hasHeard() else { return .notTold }
        return .queue(Row(.cancellation, to: subscription, about: concert, due: now))
    }

    /// The facts of a concert before a change, as the change notice's `detail` keeps them (JSON).
    static func changeDetail(_ concert: Concert) -> String {
        struct Before: Encodable {
            var start: String
            var end: String
            var timeAnnounced: Bool
            var venue: LocalizedText?
            enum CodingKeys: String, CodingKey {
                case start, end, venue
                case timeAnnounced = "time_announced"
            }
        }
        let before = Before(
            start: concert.schedule.startString, end: concert.schedule.endString,
            timeAnnounced: concert.schedule.isTimeAnnounced, venue: concert.venue)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(before)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Whether a concert is scheduled and its reminders are not over at `now`.
    private static func isAhead(_ concert: StoredConcert, now: Date) -> Bool {
        concert.concert.status == .scheduled && concert.concert.schedule.reminderDeadline > now
    }
}

import ConcertCore
import ConcertProtocol
import Foundation

/// The listings: `subscriptions`, `concerts`, `upcoming`, `deliveries` and `preview`, each read a
/// page at a time (``ListingPage``) so that no reply grows with the database.
extension DaemonControlHandler {
    static func registerListings(_ router: inout ControlRouter, _ daemon: Daemon) {
        router.register(ControlMethods.subscriptions) { params, _ in
            let city = try params.city.map { try resolveCity($0, field: "city", daemon: daemon) }
            let page = ListingPage(limit: params.limit, noun: "subscriptions", narrowing: "city")
            let after = try ListingCursor.subscriptions(params.cursor)
            let rows = try store {
                try daemon.database.subscriptions(city: city?.id, after: after, limit: page.rowsToRead)
            }
            let (entries, cursor) = try page.cut(rows, cursor: ListingCursor.subscriptions)
            // The pending requests only where there is a front door to confirm them.
            let web = daemon.resolved.configuration.webListen != nil
            let (sources, pending) = try store {
                (
                    try daemon.database.subscriptionSources(ids: entries.map(\.id)),
                    web ? try daemon.database.pendingWebRequestCount(now: daemon.clock.now()) : nil
                )
            }
            let infos = entries.map { subscription in
                var info = SubscriptionInfo(subscription)
                info.source = sources[subscription.id]?.rawValue
                return info
            }
            return SubscriptionsResult(subscriptions: infos, cursor: cursor, pendingWebRequests: pending)
        }
        router.register(ControlMethods.concerts) { params, _ in
            let city = try params.city.map { try resolveCity($0, field: "city", daemon: daemon) }
            let page = ListingPage(limit: params.limit, noun: "concerts", narrowing: "city")
            let after = try ListingCursor.concerts(params.cursor)
            let rows = try store {
                try daemon.database.concerts(
                    city: city?.id, endingAfter: params.all ? nil : daemon.clock.now(), after: after,
                    limit: page.rowsToRead)
            }
            let (entries, cursor) = try page.cut(rows, cursor: ListingCursor.concerts)
            return ConcertsResult(concerts: entries.map { ConcertInfo($0.concert) }, cursor: cursor)
        }
        router.register(ControlMethods.upcoming) { params, _ in
            let page = ListingPage(limit: params.limit ?? ListingPage.protocolOneLimit, noun: "deliveries")
            let after = try ListingCursor.due("upcoming", params.cursor)
            let rows = try store { try daemon.database.upcoming(after: after, limit: page.rowsToRead) }
            let (entries, cursor) = try page.cut(rows) { ListingCursor.due("upcoming", $0) }
            return DeliveriesResult(deliveries: try deliveryInfos(entries, daemon: daemon), cursor: cursor)
        }
        router.register(ControlMethods.deliveries) { params, _ in
            let page = ListingPage(limit: params.limit ?? ListingPage.protocolOneLimit, noun: "deliveries")
            let state = try params.state.map { text throws(ControlError) -> Delivery.State in
                guard let state = Delivery.State(rawValue: text) else {
                    throw .invalidInput(
                        "unknown state '\(text)'; use \(Delivery.State.allCases.map(\.rawValue).joined(separator: ", "))",
                        field: "state")
                }
                return state
            }
            let before = try ListingCursor.deliveries(params.cursor)
            let rows = try store {
                try daemon.database.deliveries(
                    state: state, subscriptionID: params.subscription, before: before, limit: page.rowsToRead)
            }
            let (entries, cursor) = try page.cut(
                rows.map { (position: $0.id, entry: $0) }, cursor: ListingCursor.deliveries)
            // The reminders never planned are told with the first page of one subscription's deliveries.
            let notPlanned = try params.subscription.flatMap { id throws(ControlError) -> [UnplannedReminderInfo]? in
                guard params.cursor == nil else { return nil }
                return try store { try daemon.database.unplannedReminders(subscriptionID: id) }.map {
                    UnplannedReminderInfo(
                        concert: $0.concertID, offset: $0.offset.description, due: KoreaTime.iso8601($0.due),
                        reason: $0.reason)
                }
            }
            return DeliveriesResult(
                deliveries: try deliveryInfos(entries, daemon: daemon), cursor: cursor, notPlanned: notPlanned,
                sharedByInstances: daemon.database.sharedByInstances ? true : nil)
        }
        router.register(ControlMethods.preview) { params, _ in
            let now = daemon.clock.now()
            let from = try params.from.map { try moment($0, field: "from") } ?? now
            let to = try params.to.map { try moment($0, field: "to") } ?? from.addingTimeInterval(7 * 86_400)
            guard to >= from else { throw ControlError.invalidInput("--to is before --from", field: "to") }
            let city = try params.city.map { try resolveCity($0, field: "city", daemon: daemon) }
            let page = ListingPage(limit: params.limit, noun: "reminders", narrowing: "from, to or city")
            let after = try ListingCursor.due("preview", params.cursor)
            let rows = try store {
                try daemon.database.pendingDeliveries(
                    from: from, to: to, city: city?.id, after: after, limit: page.rowsToRead)
            }
            let (entries, cursor) = try page.cut(rows) { ListingCursor.due("preview", $0) }
            let concerts = Dictionary(
                uniqueKeysWithValues: try store { try daemon.database.concerts() }.map { ($0.concert.id, $0) })
            let renderer = daemon.renderer
            let catalog = daemon.catalog
            let reminders = entries.compactMap { item -> PreviewReminder? in
                guard let concert = concerts[item.delivery.concertID] else { return nil }
                let due = item.delivery.nextAttempt ?? item.delivery.due
                var message = OutboundMessage(
                    item.delivery, of: item.subscription, concert: concert, catalog: catalog, now: due)
                if item.delivery.kind == .confirmation, let detail = ConfirmationDetail(detail: item.delivery.detail) {
                    message.nextConcerts = detail.nextConcerts.compactMap { concerts[$0] }
                }
                let rendered = renderer.render(message)
                let isEmail = item.subscription.channel.channelKind == "email"
                return PreviewReminder(
                    subscription: item.subscription.id, concert: concert.concert.id,
                    offset: item.delivery.offset.description, due: KoreaTime.iso8601(due),
                    channel: SubscriptionInfo(item.subscription).channel, lang: item.subscription.language.rawValue,
                    subject: isEmail ? rendered.subject : nil, body: isEmail ? rendered.body : rendered.text)
            }
            return PreviewResult(reminders: reminders, cursor: cursor)
        }
    }

    /// A time of a request (`from`, `to`): an instant, or a date's midnight in Korea; refused with
    /// `invalid_params` outside the years of ``ParamRange/year``.
    static func moment(_ text: String, field: String) throws(ControlError) -> Date {
        let moment: KoreaTime.Moment
        do {
            moment = try KoreaTime.moment(text)
        } catch {
            throw .invalidInput("\(error)", field: field)
        }
        switch moment {
        case .instant(let date):
            try checkYear(KoreaTime.localDate(of: date), field: field)
            return date
        case .date(let day):
            try checkYear(day, field: field)
            return day.startInKorea
        }
    }

    /// Refuses a moment outside the years of ``ParamRange/year`` with `invalid_params`.
    static func checkYear(_ moment: KoreaTime.Moment, field: String) throws(ControlError) {
        switch moment {
        case .instant(let date): try checkYear(KoreaTime.localDate(of: date), field: field)
        case .date(let day): try checkYear(day, field: field)
        }
    }

    /// Refuses a day (in Korea) outside the years of ``ParamRange/year`` with `invalid_params`.
    static func checkYear(_ day: LocalDate, field: String) throws(ControlError) {
        guard !ParamRange.year.contains(day.year) else { return }
        throw .invalidParams(
            "params.\(field) must fall in the years \(ParamRange.year.lowerBound) to \(ParamRange.year.upperBound) "
                + "(Korea time), not in \(day.year)",
            field: field)
    }
}

/// How much of a listing one reply holds.
///
/// With `limit`, a page of at most that many entries, and the cursor of the next page when more
/// remain. Without (a client of protocol 1, or one that wants everything at once), the whole rest
/// of the listing, refused when it is more than a reply holds rather than cut short unsaid.
struct ListingPage {
    /// `upcoming` and `deliveries` without `limit`: 50, as protocol 1 had it.
    static let protocolOneLimit = 50

    let limit: Int
    let isWhole: Bool
    /// `subscriptions`: what the error says there are too many of.
    let noun: String
    /// The params that make the listing shorter, for the error's advice.
    let narrowing: String?

    init(limit: Int?, noun: String, narrowing: String? = nil) {
        self.limit = limit ?? ParamRange.limit.upperBound
        self.isWhole = limit == nil
        self.noun = noun
        self.narrowing = narrowing
    }

    /// One more than a page, to know whether another follows.
    var rowsToRead: Int { limit + 1 }

    /// The entries of the page among `rows` (read with ``rowsToRead``), and the next page's cursor.
    func cut<Position, Entry>(
        _ rows: [(position: Position, entry: Entry)], cursor: (Position) -> String
    ) throws(ControlError) -> ([Entry], String?) {
        guard rows.count > limit else { return (rows.map(\.entry), nil) }
        guard !isWhole else {
            let narrow = narrowing.map { ", or narrow it with \($0)" } ?? ""
            throw .invalidParams(
                "more than \(limit) \(noun) to list, more than one reply holds: read them a page at a time "
                    + "with limit and cursor (concertctl does since protocol 2: upgrade it)\(narrow)",
                field: "limit")
        }
        return (rows.prefix(limit).map(\.entry), cursor(rows[limit - 1].position))
    }
}

import ConcertCore
import ConcertProtocol
import Foundation
import Testing

@testable import ConcertDaemon

/// Listings read page by page over the real socket: every entry once, in order, a cursor on every
/// page but the last; garbled and foreign cursors refused; a client that does not page (protocol 1)
/// gets everything or a clear refusal, never part of a listing without knowing.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ListingPagingTests {
    /// `count` email subscriptions of `city`, offsets `1d`, imported in one transaction.
    /// Imports `count` email subscriptions of distinct addresses, numbered from `firstNumber`.
    func importSubscriptions(_ daemon: TestDaemon, count: Int, city: String = "busan", firstNumber: Int = 0) throws
        -> [String]
    {
        let new = (firstNumber..<firstNumber + count).map {
            NewSubscription(
                channel: .email("p\($0)@example.org"), cities: [city], offsets: [ReminderOffset(seconds: 86_400)])
        }
        return try daemon.daemon.database.importSubscriptions(new, now: daemon.daemon.clock.now()).map(\.id)
    }

    /// Every page of `method` with `limit`, by following each reply's cursor.
    func allPages<P: PagedParams, R: PagedResult>(
        _ daemon: TestDaemon, _ method: ControlMethod<P, R>, _ params: P, limit: Int
    ) throws -> (items: [R.Item], pages: Int) {
        let client = try RawControlClient(path: daemon.socketPath)
        var params = params
        params.limit = limit
        var items: [R.Item] = []
        var pages = 0
        while true {
            try client.send(method, params, id: Int64(pages))
            let page = try client.readReply().decodeResult(as: R.self)
            pages += 1
            #expect(page.items.count <= limit)
            items += page.items
            guard let cursor = page.cursor else { return (items, pages) }
            #expect(page.items.count == limit, "a page before the last is full")
            params.cursor = cursor
            guard pages < 10_000 else { throw TestClientError(description: "the cursor does not move on") }
        }
    }

    @Test func subscriptionsArePagedInCreationOrderEachOnce() throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let ids = try importSubscriptions(daemon, count: 250)
        let (items, pages) = try allPages(daemon, ControlMethods.subscriptions, SubscriptionsParams(), limit: 100)
        #expect(items.map(\.id) == ids)
        #expect(pages == 3)
        let exact = try allPages(daemon, ControlMethods.subscriptions, SubscriptionsParams(), limit: 125)
        #expect(exact.items.map(\.id) == ids && exact.pages == 2, "a last page that is full ends the listing too")
        let city = try allPages(daemon, ControlMethods.subscriptions, SubscriptionsParams(city: "gimhae"), limit: 7)
        #expect(city.items.isEmpty && city.pages == 1)
    }

    @Test func aFanOutsRemindersDueAtOneTimeArePagedInDueOrderEachOnce() throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        _ = try importSubscriptions(daemon, count: 2_500)
        let (items, pages) = try allPages(daemon, ControlMethods.upcoming, UpcomingParams(), limit: 1_000)
        #expect(items.count == 2_500)
        #expect(Set(items.map(\.id)).count == 2_500)
        #expect(Set(items.map(\.due)).count == 1, "one concert, one offset: all due at the same time")
        #expect(items.map(\.id) == items.map(\.id).sorted())
        #expect(pages == 3)
        let preview = try allPages(
            daemon, ControlMethods.preview, PreviewParams(from: "2019-10-20", to: "2019-12-31", city: "busan"),
            limit: 900)
        #expect(preview.items.count == 2_500 && preview.pages == 3)
        let elsewhere = try allPages(
            daemon, ControlMethods.preview, PreviewParams(from: "2019-10-20", to: "2019-12-31", city: "gimhae"),
            limit: 900)
        #expect(elsewhere.items.isEmpty)
    }

    @Test func deliveriesArePagedNewestFirstAndConcertsInStartOrder() throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        _ = try importSubscriptions(daemon, count: 30)
        let deliveries = try allPages(daemon, ControlMethods.deliveries, DeliveriesParams(), limit: 7)
        #expect(deliveries.items.count == 30)
        #expect(deliveries.items.map(\.id) == deliveries.items.map(\.id).sorted(by: >))
        let all = try daemon.daemon.database.concerts().map(\.concert.id)
        let concerts = try allPages(daemon, ControlMethods.concerts, ConcertsParams(all: true), limit: 4)
        #expect(concerts.items.map(\.id) == all)
        #expect(concerts.pages == (all.count + 3) / 4)
    }

    @Test(arguments: [
        "garbage!", "c3Vic2NyaXB0aW9ucw", "ZGVsaXZlcmllcx8x", "c3Vic2NyaXB0aW9ucx8xMg==", "c3Vic2NyaXB0aW9ucx8wMDE",
        "c3Vic2NyaXB0aW9ucx8xHzI", "c3Vic2NyaXB0aW9ucx85OTk5OTk5OTk5OTk5OTk5OTk5OQ",
    ])
    func aCursorThatIsNotThisListingsIsInvalidParams(_ cursor: String) throws {
        // Garbage; "subscriptions" alone; a `deliveries` cursor; padding; "001"; two parts; 10^20.
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let client = try RawControlClient(path: daemon.socketPath)
        try client.send(ControlMethods.subscriptions, SubscriptionsParams(limit: 5, cursor: cursor), id: 1)
        let error = try client.readReply().error
        #expect(error?.code == .invalidParams)
        #expect(error?.field == "cursor")
    }

    @Test func aClientThatDoesNotPageGetsTheWholeListingOrIsToldToPage() throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let first = try importSubscriptions(daemon, count: 300)
        let client = try RawControlClient(path: daemon.socketPath)
        // What concertctl of protocol 1 sends: no limit, no cursor, protocol 1.
        client.send(line: #"{"jsonrpc":"2.0","id":1,"method":"subscriptions","protocol":1}"#)
        let listed = try client.readReply(timeout: 60).decodeResult(as: SubscriptionsResult.self)
        #expect(listed.subscriptions.map(\.id) == first && listed.cursor == nil)
        // One more than a reply holds.
        _ = try importSubscriptions(
            daemon, count: ParamRange.limit.upperBound + 1 - first.count, firstNumber: first.count)
        client.send(line: #"{"jsonrpc":"2.0","id":2,"method":"subscriptions","protocol":1}"#)
        let refused = try client.readReply(timeout: 60).error
        #expect(refused?.code == .invalidParams)
        #expect(refused?.field == "limit")
        #expect(refused?.message.contains("upgrade") == true)
        // `upcoming` and `deliveries` keep protocol 1's default page of 50, now with a cursor.
        client.send(line: #"{"jsonrpc":"2.0","id":3,"method":"upcoming","protocol":1}"#)
        let upcoming = try client.readReply(timeout: 60).decodeResult(as: DeliveriesResult.self)
        #expect(upcoming.deliveries.count == 50 && upcoming.cursor != nil)
    }
}

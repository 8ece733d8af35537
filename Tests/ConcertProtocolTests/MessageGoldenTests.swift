import ConcertProtocol
import Foundation
import Testing

/// Encodes `value` and compares with `golden` (compact, sorted keys), then decodes `golden` back.
func expectGolden<T: Codable & Equatable>(
    _ value: T, _ golden: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let encoded = String(decoding: try JSONCoding.lineEncoder().encode(value), as: UTF8.self)
    #expect(encoded == golden, sourceLocation: sourceLocation)
    #expect(try JSONDecoder().decode(T.self, from: Data(golden.utf8)) == value, sourceLocation: sourceLocation)
}

/// The JSON names of every message are part of the protocol: these goldens change only with a
/// protocol version bump (or a new optional member).
@Suite(.timeLimit(.minutes(1)))
struct MessageGoldenTests {
    static let concert = ConcertInfo(
        id: "busan-2019-10-29", cities: ["busan"], title: BilingualText(ko: "스마트시티 토크콘서트", en: "Smart City talk"),
        start: "2019-10-29T14:00:00+09:00", end: "2019-10-29T16:00:00+09:00", timeAnnounced: true,
        venue: BilingualText(ko: "벡스코", en: "BEXCO"),
        speaker: SpeakerInfo(name: BilingualText(ko: "김철수", en: "Kim Cheol-su"), role: nil, affiliation: nil))
    static let subscription = SubscriptionInfo(
        id: "sub-k3m9q2xw7d", cities: ["busan", "suyeong"], kind: "webhook",
        channel: "https://hooks.slack.com/ser…/***",
        format: "slack", before: ["7d", "1h"], lang: "en", label: "ops", state: "paused", stateReason: "by admin")
    static let delivery = DeliveryInfo(
        id: 42, subscription: "sub-k3m9q2xw7d", concert: "busan-2019-10-29", kind: "reminder", offset: "1d",
        due: "2019-10-28T14:00:00+09:00", state: "retrying", attempts: 2, lastError: "HTTP 503", reason: nil)

    @Test func requestEnvelope() throws {
        try expectGolden(
            try ControlRequest(id: .number(1), method: ControlMethods.concertCancel, params: .init(id: "x")),
            #"{"id":1,"jsonrpc":"2.0","method":"concert.cancel","params":{"id":"x"},"protocol":2}"#)
        try expectGolden(
            ControlRequest(id: nil, method: "reload"), #"{"jsonrpc":"2.0","method":"reload"}"#)
    }

    @Test func replyEnvelopes() throws {
        try expectGolden(
            ControlReply(id: .string("a"), outcome: .success(.object(["ok": .bool(true)])), protocolVersion: 1),
            #"{"id":"a","jsonrpc":"2.0","protocol":1,"result":{"ok":true}}"#)
        try expectGolden(
            ControlReply.failure(id: .null, error: .notFound("no subscription 'sub-x'", field: "id")),
            #"{"error":{"code":-32001,"data":{"field":"id","name":"not_found"},"message":"no subscription 'sub-x'"},"id":null,"jsonrpc":"2.0"}"#
        )
    }

    @Test func anErrorCodeThisBuildDoesNotKnowKeepsItsNumberAndName() throws {
        let reply = try JSONDecoder().decode(
            ControlReply.self,
            from: Data(
                #"{"jsonrpc":"2.0","id":1,"error":{"code":-32050,"message":"m","data":{"name":"new_thing"}}}"#.utf8))
        #expect(reply.error?.code.number == -32050)
        #expect(reply.error?.code.name == "new_thing")
    }

    @Test func status() throws {
        try expectGolden(
            StatusResult(
                version: "0.1.0", uptimeSeconds: 3600,
                clock: ClockStatus(now: "2019-10-25T09:00:00+09:00", shifted: true, rate: 60),
                counts: StatusCounts(
                    concerts: ["scheduled": 16], subscriptions: ["active": 3], deliveries: ["sent": 5]),
                failingDestinations: [
                    FailingDestination(
                        destination: "hooks.slack.com", failures: 3, lastError: "HTTP 503",
                        since: "2019-10-25T08:00:00+09:00")
                ],
                nextDue: Self.delivery),
            #"{"clock":{"now":"2019-10-25T09:00:00+09:00","rate":60,"shifted":true},"counts":{"concerts":{"scheduled":16},"deliveries":{"sent":5},"subscriptions":{"active":3}},"failing_destinations":[{"destination":"hooks.slack.com","failures":3,"last_error":"HTTP 503","since":"2019-10-25T08:00:00+09:00"}],"next_due":{"attempts":2,"concert":"busan-2019-10-29","due":"2019-10-28T14:00:00+09:00","id":42,"kind":"reminder","last_error":"HTTP 503","offset":"1d","state":"retrying","subscription":"sub-k3m9q2xw7d"},"protocol":2,"uptime_seconds":3600,"version":"0.1.0"}"#
        )
    }

    @Test func statusWithADatabaseError() throws {
        try expectGolden(
            StatusResult(
                version: "0.1.0", uptimeSeconds: 60,
                clock: ClockStatus(now: "2019-10-25T09:00:00+09:00", shifted: false, rate: 1),
                counts: StatusCounts(concerts: [:], subscriptions: [:], deliveries: [:]),
                storeError: StoreErrorStatus(
                    message: "database or disk is full (SQLite error 13)", since: "2019-10-25T08:59:00+09:00",
                    retryingAt: "2019-10-25T09:00:30+09:00", failures: 6)),
            #"{"clock":{"now":"2019-10-25T09:00:00+09:00","rate":1,"shifted":false},"counts":{"concerts":{},"deliveries":{},"subscriptions":{}},"failing_destinations":[],"protocol":2,"store_error":{"failures":6,"message":"database or disk is full (SQLite error 13)","retrying_at":"2019-10-25T09:00:30+09:00","since":"2019-10-25T08:59:00+09:00"},"uptime_seconds":60,"version":"0.1.0"}"#
        )
    }

    @Test func statusWithItsStore() throws {
        var status = StatusResult(
            version: "0.1.0", uptimeSeconds: 60,
            clock: ClockStatus(now: "2019-10-25T09:00:00+09:00", shifted: false, rate: 1),
            counts: StatusCounts(concerts: [:], subscriptions: [:], deliveries: [:]))
        status.store = StoreStatus(
            engine: "postgresql", host: "db.example.org", port: 5432, database: "concertd", instanceName: "east-1")
        try expectGolden(
            status,
            #"{"clock":{"now":"2019-10-25T09:00:00+09:00","rate":1,"shifted":false},"counts":{"concerts":{},"deliveries":{},"subscriptions":{}},"failing_destinations":[],"protocol":2,"store":{"database":"concertd","engine":"postgresql","host":"db.example.org","instance_name":"east-1","port":5432},"uptime_seconds":60,"version":"0.1.0"}"#
        )
        status.store = StoreStatus(engine: "sqlite", path: "/var/lib/concertd/concertd.sqlite3")
        try expectGolden(
            status,
            #"{"clock":{"now":"2019-10-25T09:00:00+09:00","rate":1,"shifted":false},"counts":{"concerts":{},"deliveries":{},"subscriptions":{}},"failing_destinations":[],"protocol":2,"store":{"engine":"sqlite","path":"/var/lib/concertd/concertd.sqlite3"},"uptime_seconds":60,"version":"0.1.0"}"#
        )
    }

    @Test func cities() throws {
        try expectGolden(
            CitiesResult(cities: [
                CityInfo(id: "busan", ko: "부산", koFull: "부산광역시", en: "Busan", concerts: ["busan-2019-10-29"])
            ]),
            #"{"cities":[{"concerts":["busan-2019-10-29"],"en":"Busan","id":"busan","ko":"부산","ko_full":"부산광역시"}]}"#)
    }

    @Test func concerts() throws {
        try expectGolden(ConcertsParams(city: "busan", all: true), #"{"all":true,"city":"busan"}"#)
        #expect(try JSONDecoder().decode(ConcertsParams.self, from: Data("{}".utf8)) == ConcertsParams())
        try expectGolden(
            ConcertsResult(concerts: [Self.concert]),
            #"{"concerts":[{"cities":["busan"],"end":"2019-10-29T16:00:00+09:00","id":"busan-2019-10-29","speaker":{"name":{"en":"Kim Cheol-su","ko":"김철수"}},"start":"2019-10-29T14:00:00+09:00","status":"scheduled","time_announced":true,"title":{"en":"Smart City talk","ko":"스마트시티 토크콘서트"},"venue":{"en":"BEXCO","ko":"벡스코"}}]}"#
        )
        try expectGolden(
            ConcertInfo(id: "c", cities: ["x"], start: "2019-10-27", end: "2019-10-27", timeAnnounced: false),
            #"{"cities":["x"],"end":"2019-10-27","id":"c","speaker":null,"start":"2019-10-27","status":"scheduled","time_announced":false,"title":null,"venue":null}"#
        )
    }

    @Test func concertChanges() throws {
        try expectGolden(
            ConcertAddParams(
                cities: ["busan"], title: "T", start: "2019-11-02T14:00+09:00", end: nil, venue: "V", speaker: "S"),
            #"{"cities":["busan"],"speaker":"S","start":"2019-11-02T14:00+09:00","title":"T","venue":"V"}"#)
        try expectGolden(
            ConcertAddParams(
                cities: ["busan"], title: "T", start: "2019-11-02", venue: "영화의전당", venueEn: "Busan Cinema Center"),
            #"{"cities":["busan"],"start":"2019-11-02","title":"T","venue":"영화의전당","venue_en":"Busan Cinema Center"}"#)
        try expectGolden(
            ConcertRescheduleParams(id: "c", start: "2019-11-03", end: "2019-11-03", venue: nil),
            #"{"end":"2019-11-03","id":"c","start":"2019-11-03"}"#)
        try expectGolden(
            ConcertRescheduleParams(id: "c", venueEn: "Busan Cinema Center"),
            #"{"id":"c","venue_en":"Busan Cinema Center"}"#)
        try expectGolden(ConcertIDParams(id: "c"), #"{"id":"c"}"#)
        let cancelled = ConcertInfo(
            id: "c", cities: ["x"], start: "2019-10-27", end: "2019-10-27", timeAnnounced: false, status: "cancelled")
        try expectGolden(
            ConcertChangeResult(concert: cancelled, notices: 3, changed: true, warnings: ["w"]),
            #"{"changed":true,"concert":{"cities":["x"],"end":"2019-10-27","id":"c","speaker":null,"start":"2019-10-27","status":"cancelled","time_announced":false,"title":null,"venue":null},"notices":3,"warnings":["w"]}"#
        )
        // A reply of a daemon older than `changed` and `warnings` still reads.
        let old = try JSONDecoder().decode(
            ConcertChangeResult.self,
            from: Data(
                #"{"concert":{"cities":["x"],"end":"2019-10-27","id":"c","start":"2019-10-27","status":"cancelled","time_announced":false},"notices":3}"#
                    .utf8))
        #expect(old == ConcertChangeResult(concert: cancelled, notices: 3, changed: true, warnings: []))
    }

    @Test func subscribe() throws {
        try expectGolden(
            SubscribeParams(
                cities: ["busan"], webhook: "https://example.org/h", format: "generic", before: ["7d", "1h"],
                lang: "en",
                label: "ops", quiet: true),
            #"{"before":["7d","1h"],"cities":["busan"],"format":"generic","label":"ops","lang":"en","quiet":true,"webhook":"https://example.org/h"}"#
        )
        try expectGolden(
            SubscribeParams(cities: ["부산"], email: "a@example.org"), #"{"cities":["부산"],"email":"a@example.org"}"#)
        try expectGolden(
            SubscribeResult(
                id: "sub-k3m9q2xw7d", secret: "whsec_abc", subscription: Self.subscription,
                warnings: ["suyeong has no upcoming concert"]),
            #"{"id":"sub-k3m9q2xw7d","secret":"whsec_abc","subscription":{"before":["7d","1h"],"channel":"https://hooks.slack.com/ser…/***","cities":["busan","suyeong"],"format":"slack","id":"sub-k3m9q2xw7d","kind":"webhook","label":"ops","lang":"en","state":"paused","state_reason":"by admin"},"warnings":["suyeong has no upcoming concert"]}"#
        )
    }

    @Test func anImportLineMayWriteOffsetsAsOneString() throws {
        let params = try JSONDecoder().decode(
            SubscribeParams.self, from: Data(#"{"cities":["busan"],"email":"a@b.kr","before":"7d, 1h"}"#.utf8))
        #expect(params.before == ["7d", "1h"])
        #expect(params.quiet == false)
    }

    @Test func subscribeBulk() throws {
        try expectGolden(
            SubscribeBulkParams(lines: [#"{"cities":["busan"]}"#, ""]), #"{"lines":["{\"cities\":[\"busan\"]}",""]}"#)
        try expectGolden(
            SubscribeBulkResult(
                imported: 1, created: [BulkCreatedSubscription(line: 1, id: "sub-a", secret: nil)],
                rejected: [BulkRejectedLine(line: 2, reason: "unknown city 'atlantis'")], warnings: []),
            #"{"created":[{"id":"sub-a","line":1}],"imported":1,"rejected":[{"line":2,"reason":"unknown city 'atlantis'"}],"warnings":[]}"#
        )
    }

    @Test func subscribeBulkInChunks() throws {
        try expectGolden(
            SubscribeBulkStageParams(batch: "b1", firstLine: 401, lines: ["{}"]),
            #"{"batch":"b1","first_line":401,"lines":["{}"]}"#)
        try expectGolden(SubscribeBulkStageParams(lines: []), #"{"first_line":1,"lines":[]}"#)
        try expectGolden(
            SubscribeBulkStageResult(batch: "b1", staged: 399, rejected: [BulkRejectedLine(line: 7, reason: "x")]),
            #"{"batch":"b1","rejected":[{"line":7,"reason":"x"}],"staged":399,"warnings":[]}"#)
        try expectGolden(SubscribeBulkCommitParams(batch: "b1"), #"{"batch":"b1"}"#)
    }

    @Test func subscriptions() throws {
        try expectGolden(SubscriptionsParams(city: nil), "{}")
        try expectGolden(
            SubscriptionsResult(subscriptions: [
                SubscriptionInfo(
                    id: "s", cities: ["x"], kind: "email", channel: "a@b.kr", before: ["1d"], lang: "ko",
                    state: "active")
            ]),
            #"{"subscriptions":[{"before":["1d"],"channel":"a@b.kr","cities":["x"],"id":"s","kind":"email","lang":"ko","state":"active"}]}"#
        )
        try expectGolden(SubscriptionIDParams(id: "s"), #"{"id":"s"}"#)
        try expectGolden(
            SubscriptionChangeResult(
                subscription: SubscriptionInfo(
                    id: "s", cities: ["x"], kind: "email", channel: "a@b.kr", before: ["1d"], lang: "ko",
                    state: "removed"),
                skipped: 2, scheduled: 0),
            #"{"scheduled":0,"skipped":2,"subscription":{"before":["1d"],"channel":"a@b.kr","cities":["x"],"id":"s","kind":"email","lang":"ko","state":"removed"}}"#
        )
    }

    @Test func deliveries() throws {
        try expectGolden(UpcomingParams(limit: 5), #"{"limit":5}"#)
        try expectGolden(
            DeliveriesParams(state: "failed", subscription: "s", limit: 10),
            #"{"limit":10,"state":"failed","subscription":"s"}"#)
        try expectGolden(
            DeliveriesResult(deliveries: [Self.delivery]),
            #"{"deliveries":[{"attempts":2,"concert":"busan-2019-10-29","due":"2019-10-28T14:00:00+09:00","id":42,"kind":"reminder","last_error":"HTTP 503","offset":"1d","state":"retrying","subscription":"sub-k3m9q2xw7d"}]}"#
        )
        try expectGolden(
            DeliveriesResult(
                deliveries: [
                    DeliveryInfo(
                        id: 7, subscription: "s", concert: "c", offset: "1h", due: "2019-10-29T13:00:00+09:00",
                        state: "sent", attempts: 1, finished: "2019-10-29T13:00:01+09:00", reply: "HTTP 204",
                        replyCode: 204),
                    DeliveryInfo(
                        id: 8, subscription: "s", concert: "c", offset: "1d", due: "2019-10-28T14:00:00+09:00",
                        state: "retrying", attempts: 1, lastError: "HTTP 503", nextAttempt: "2019-10-28T14:00:30+09:00",
                        reply: "HTTP 503", replyCode: 503),
                ],
                notPlanned: [
                    UnplannedReminderInfo(
                        concert: "c", offset: "7d", due: "2019-10-22T14:00:00+09:00",
                        reason: "its moment had passed when the subscription was made")
                ]),
            #"{"deliveries":[{"attempts":1,"concert":"c","due":"2019-10-29T13:00:00+09:00","finished":"2019-10-29T13:00:01+09:00","id":7,"kind":"reminder","offset":"1h","reply":"HTTP 204","reply_code":204,"state":"sent","subscription":"s"},{"attempts":1,"concert":"c","due":"2019-10-28T14:00:00+09:00","id":8,"kind":"reminder","last_error":"HTTP 503","next_attempt":"2019-10-28T14:00:30+09:00","offset":"1d","reply":"HTTP 503","reply_code":503,"state":"retrying","subscription":"s"}],"not_planned":[{"concert":"c","due":"2019-10-22T14:00:00+09:00","offset":"7d","reason":"its moment had passed when the subscription was made"}]}"#
        )
        try expectGolden(
            DeliveriesResult(
                deliveries: [
                    DeliveryInfo(
                        id: 9, subscription: "s", concert: "c", offset: "1h", due: "2019-10-29T13:00:00+09:00",
                        state: "sending", attempts: 1, instance: "east-1")
                ], sharedByInstances: true),
            #"{"deliveries":[{"attempts":1,"concert":"c","due":"2019-10-29T13:00:00+09:00","id":9,"instance":"east-1","kind":"reminder","offset":"1h","state":"sending","subscription":"s"}],"shared_by_instances":true}"#
        )
        try expectGolden(DeliveryIDParams(id: 42), #"{"id":42}"#)
        try expectGolden(
            RetryResult(
                delivery: DeliveryInfo(
                    id: 1, subscription: "s", concert: "c", offset: "0s", due: "d", state: "skipped", reason: "paused")),
            #"{"delivery":{"attempts":0,"concert":"c","due":"d","id":1,"kind":"reminder","offset":"0s","reason":"paused","state":"skipped","subscription":"s"}}"#
        )
    }

    @Test func testPreviewAndReload() throws {
        try expectGolden(
            TestResult(subscription: "s", delivered: false, detail: "HTTP 404"),
            #"{"delivered":false,"detail":"HTTP 404","subscription":"s"}"#)
        try expectGolden(
            TestResult(subscription: "s", delivered: false, detail: "HTTP 410", subscriptionDisabled: true),
            #"{"delivered":false,"detail":"HTTP 410","subscription":"s","subscription_disabled":true}"#)
        try expectGolden(
            PreviewParams(from: "2019-10-25", to: "2019-11-01", city: "busan"),
            #"{"city":"busan","from":"2019-10-25","to":"2019-11-01"}"#)
        try expectGolden(
            PreviewResult(reminders: [
                PreviewReminder(
                    subscription: "s", concert: "c", offset: "1d", due: "2019-10-28T14:00:00+09:00", channel: "a@b.kr",
                    lang: "ko",
                    subject: "내일: 토크콘서트", body: "본문\n둘째 줄")
            ]),
            #"{"reminders":[{"body":"본문\n둘째 줄","channel":"a@b.kr","concert":"c","due":"2019-10-28T14:00:00+09:00","lang":"ko","offset":"1d","subject":"내일: 토크콘서트","subscription":"s"}]}"#
        )
        try expectGolden(
            ReloadResult(summary: "catalog unchanged", warnings: []), #"{"summary":"catalog unchanged","warnings":[]}"#)
        try expectGolden(NoParams(), "{}")
    }

    /// Protocol 2's paging members: optional on both sides, absent unless given, so protocol-1
    /// messages read and write exactly as before.
    @Test func pagingMembers() throws {
        try expectGolden(
            SubscriptionsParams(city: "busan", limit: 1000, cursor: "c3Vi"),
            #"{"city":"busan","cursor":"c3Vi","limit":1000}"#)
        try expectGolden(
            ConcertsParams(all: true, limit: 2, cursor: "Y28"), #"{"all":true,"cursor":"Y28","limit":2}"#)
        try expectGolden(UpcomingParams(limit: 5, cursor: "dXA"), #"{"cursor":"dXA","limit":5}"#)
        try expectGolden(DeliveriesParams(cursor: "ZGU"), #"{"cursor":"ZGU"}"#)
        try expectGolden(PreviewParams(limit: 20, cursor: "cHI"), #"{"cursor":"cHI","limit":20}"#)
        try expectGolden(
            SubscriptionsResult(subscriptions: [], cursor: "bmV4dA"), #"{"cursor":"bmV4dA","subscriptions":[]}"#)
        try expectGolden(ConcertsResult(concerts: [], cursor: "bmV4dA"), #"{"concerts":[],"cursor":"bmV4dA"}"#)
        try expectGolden(DeliveriesResult(deliveries: [], cursor: "bmV4dA"), #"{"cursor":"bmV4dA","deliveries":[]}"#)
        try expectGolden(PreviewResult(reminders: [], cursor: "bmV4dA"), #"{"cursor":"bmV4dA","reminders":[]}"#)
        try expectGolden(ConcertsResult(concerts: []), #"{"concerts":[]}"#)
    }

    @Test func bulkImportSecretsAndProgress() throws {
        try expectGolden(
            SubscribeBulkParams(lines: ["{}"], generatedSecrets: .refuse),
            #"{"generated_secrets":"refuse","lines":["{}"]}"#)
        try expectGolden(SubscribeBulkParams(lines: []), #"{"lines":[]}"#)
        try expectGolden(
            SubscribeBulkStageParams(batch: "b", firstLine: 3, lines: ["{}"], generatedSecrets: .stage),
            #"{"batch":"b","first_line":3,"generated_secrets":"stage","lines":["{}"]}"#)
        try expectGolden(
            SubscribeBulkStageResult(
                batch: "b", staged: 2, secrets: [BulkCreatedSubscription(line: 3, id: "sub-x", secret: "whsec_s")]),
            #"{"batch":"b","rejected":[],"secrets":[{"id":"sub-x","line":3,"secret":"whsec_s"}],"staged":2,"warnings":[]}"#
        )
        try expectGolden(
            SubscribeBulkStageResult(batch: "b", staged: 2), #"{"batch":"b","rejected":[],"staged":2,"warnings":[]}"#)
        try expectGolden(SubscribeBulkProgressParams(batch: "b"), #"{"batch":"b"}"#)
        try expectGolden(
            SubscribeBulkProgressResult(batch: "b", state: .committing, staged: 10, imported: 4),
            #"{"batch":"b","imported":4,"staged":10,"state":"committing"}"#)
    }

    @Test func backup() throws {
        try expectGolden(
            BackupResult(backup: "backup-x", size: 4096, schemaVersion: 6),
            #"{"backup":"backup-x","schema_version":6,"size":4096}"#)
        try expectGolden(
            BackupReadParams(backup: "backup-x", offset: 0, length: 1024),
            #"{"backup":"backup-x","length":1024,"offset":0}"#)
        try expectGolden(
            BackupReadResult(offset: 0, data: "AAE=", end: true), #"{"data":"AAE=","end":true,"offset":0}"#)
    }

    @Test func everyMethodNameIsListedOnce() {
        #expect(Set(ControlMethods.names).count == 24)
        #expect(ControlMethods.names.contains("subscribe.bulk"))
    }

    @Test func everyErrorCodeHasAUniqueNumberAndName() {
        let codes = ControlErrorCode.all
        #expect(Set(codes.map(\.number)).count == codes.count)
        #expect(Set(codes.map(\.name)).count == codes.count)
        #expect(ControlErrorCode.forNumber(-32601) == .methodNotFound)
        #expect(codes.allSatisfy { $0.name.allSatisfy { $0.isLowercase || $0 == "_" } })
    }
}

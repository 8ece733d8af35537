/// A method of the control protocol, typed by its parameters and result.
///
/// The daemon and concertctl refer to methods only through the constants of ``ControlMethods``,
/// so a request's name and the shapes of its params and result cannot drift apart.
public struct ControlMethod<Params: ControlParams, Result: Codable & Sendable>: Sendable, CustomStringConvertible {
    /// The JSON-RPC method name: `status`, `concert.add`.
    public let name: String

    public init(_ name: String) {
        self.name = name
    }

    public var description: String { name }
}

/// The parameters of a method that takes none: `{}`.
public struct NoParams: ControlParams, Hashable {
    public init() {}
}

/// Every method of the protocol, in the order of `docs/control-protocol.md`.
public enum ControlMethods {
    public static let status = ControlMethod<NoParams, StatusResult>("status")
    public static let cities = ControlMethod<NoParams, CitiesResult>("cities")
    public static let concerts = ControlMethod<ConcertsParams, ConcertsResult>("concerts")
    public static let concertAdd = ControlMethod<ConcertAddParams, ConcertChangeResult>("concert.add")
    public static let concertReschedule = ControlMethod<ConcertRescheduleParams, ConcertChangeResult>(
        "concert.reschedule")
    public static let concertCancel = ControlMethod<ConcertIDParams, ConcertChangeResult>("concert.cancel")
    public static let concertReset = ControlMethod<ConcertIDParams, ConcertChangeResult>("concert.reset")
    public static let subscribe = ControlMethod<SubscribeParams, SubscribeResult>("subscribe")
    public static let subscribeBulk = ControlMethod<SubscribeBulkParams, SubscribeBulkResult>("subscribe.bulk")
    public static let subscribeBulkStage = ControlMethod<SubscribeBulkStageParams, SubscribeBulkStageResult>(
        "subscribe.bulk.stage")
    public static let subscribeBulkCommit = ControlMethod<SubscribeBulkCommitParams, SubscribeBulkResult>(
        "subscribe.bulk.commit")
    public static let subscriptions = ControlMethod<SubscriptionsParams, SubscriptionsResult>("subscriptions")
    public static let unsubscribe = ControlMethod<SubscriptionIDParams, SubscriptionChangeResult>("unsubscribe")
    public static let pause = ControlMethod<SubscriptionIDParams, SubscriptionChangeResult>("pause")
    public static let resume = ControlMethod<SubscriptionIDParams, SubscriptionChangeResult>("resume")
    public static let upcoming = ControlMethod<UpcomingParams, DeliveriesResult>("upcoming")
    public static let deliveries = ControlMethod<DeliveriesParams, DeliveriesResult>("deliveries")
    public static let retry = ControlMethod<DeliveryIDParams, RetryResult>("retry")
    public static let test = ControlMethod<SubscriptionIDParams, TestResult>("test")
    public static let preview = ControlMethod<PreviewParams, PreviewResult>("preview")
    public static let reload = ControlMethod<ReloadParams, ReloadResult>("reload")
    public static let subscribeBulkProgress = ControlMethod<SubscribeBulkProgressParams, SubscribeBulkProgressResult>(
        "subscribe.bulk.progress")
    public static let backup = ControlMethod<NoParams, BackupResult>("backup")
    public static let backupRead = ControlMethod<BackupReadParams, BackupReadResult>("backup.read")

    /// The names of all methods; a name not in this list is answered with `method_not_found`.
    public static let names: [String] = [
        status.name, cities.name, concerts.name, concertAdd.name, concertReschedule.name, concertCancel.name,
        subscribe.name, subscribeBulk.name, subscriptions.name, unsubscribe.name, pause.name, resume.name,
        upcoming.name, deliveries.name, retry.name, test.name, preview.name, reload.name,
        subscribeBulkStage.name, subscribeBulkCommit.name, concertReset.name, subscribeBulkProgress.name, backup.name,
        backupRead.name,
    ]
}

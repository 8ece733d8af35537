import ConcertCore
import Foundation

@testable import ConcertWeb

/// The web's store in memory, for driving the pages in tests: the same contract as the SQLite
/// implementation, and a record of the confirmation messages it queued.
actor InMemoryWebStore: WebStore {
    struct Pending {
        var request: PendingSubscription
        var confirmedAs: WebReference?
    }

    struct Stored {
        var channel: WebChannel
        var settings: SubscriptionSettings
        var state: SubscriptionState
        var restoredAs: WebReference?
    }

    var keys: [TokenKey] = []
    var cities: [CityListing]
    var pending: [WebReference: Pending] = [:]
    var subscriptions: [WebReference: Stored] = [:]
    /// Counts by key and window start.
    var counts: [String: (window: Date, count: Int)] = [:]
    private(set) var queuedConfirmations: [PendingSubscription] = []
    private(set) var tokenKeyReads = 0

    init(cities: [CityListing] = InMemoryWebStore.sampleCities) {
        self.cities = cities
    }

    func tokenKeys(now: Date, rotation: TokenKeyRotation, candidate: TokenKey) -> [TokenKey] {
        tokenKeyReads += 1
        if keys.first.map({ $0.created + rotation.signFor <= now }) ?? true {
            keys.insert(candidate, at: 0)
        }
        keys.removeAll { $0.created + rotation.signFor + rotation.verifyFor <= now }
        return keys
    }

    func cityListings(now: Date) -> [CityListing] { cities }

    func requestSubscription(
        _ request: PendingSubscription, limits: ConfirmationLimits, now: Date
    ) -> SubscriptionRequestOutcome {
        pending = pending.filter { $0.value.request.expires > now || $0.value.confirmedAs != nil }
        let checks = [
            (request.clientKey, limits.perClient, limits.clientWindow),
            (request.channelKey, limits.perChannel, limits.channelWindow),
        ]
        for (key, limit, window) in checks {
            if let held = counts[key], held.window + window > now, held.count >= limit {
                return .limited(
                    retryAfter: .seconds(max(1, Int((held.window + window).timeIntervalSince(now).rounded(.up)))))
            }
        }
        for (key, _, window) in checks {
            if let held = counts[key], held.window + window > now {
                counts[key] = (held.window, held.count + 1)
            } else {
                counts[key] = (now, 1)
            }
        }
        pending[request.reference] = Pending(request: request)
        queuedConfirmations.append(request)
        return .queued
    }

    func requestSettings(_ reference: WebReference) -> SubscriptionSettings? {
        pending[reference]?.request.settings
    }

    func confirmSubscription(request: WebReference, now: Date) -> ConfirmationOutcome {
        guard let held = pending[request] else { return .notFound }
        if let done = held.confirmedAs { return .alreadyConfirmed(subscription: done) }
        guard held.request.expires > now else { return .expired }
        let reference = WebReference.generate()
        subscriptions[reference] = Stored(
            channel: held.request.channel, settings: held.request.settings, state: .active)
        pending[request]?.confirmedAs = reference
        return .confirmed(subscription: reference)
    }

    func liveReference(_ reference: WebReference) -> WebReference? {
        guard var live = subscriptions[reference] == nil ? nil : reference else { return nil }
        while let next = subscriptions[live]?.restoredAs { live = next }
        return live
    }

    func subscription(_ reference: WebReference) -> WebSubscription? {
        guard let held = subscriptions[reference] else { return nil }
        return WebSubscription(
            reference: reference, maskedChannel: held.channel.masked, settings: held.settings, state: held.state)
    }

    func changeSubscription(_ reference: WebReference, to settings: SubscriptionSettings, now: Date) -> ChangeOutcome {
        guard let held = subscriptions[reference] else { return .notFound }
        guard held.state != .removed else { return .removed }
        subscriptions[reference]?.settings = settings
        return .changed
    }

    func setPaused(_ paused: Bool, subscription: WebReference, now: Date) -> ChangeOutcome {
        guard let held = subscriptions[subscription] else { return .notFound }
        guard held.state != .removed else { return .removed }
        subscriptions[subscription]?.state = paused ? .paused : .active
        return .changed
    }

    func unsubscribe(_ reference: WebReference, now: Date) -> UnsubscribeOutcome {
        guard let held = subscriptions[reference] else { return .notFound }
        guard held.state != .removed else { return .alreadyUnsubscribed }
        subscriptions[reference]?.state = .removed
        return .unsubscribed
    }

    func undoUnsubscribe(_ reference: WebReference, newReference: WebReference, now: Date) -> UndoOutcome {
        guard let held = subscriptions[reference] else { return .notFound }
        guard held.state == .removed else { return .notRemoved }
        if let restored = held.restoredAs { return .alreadyRestored(restored) }
        subscriptions[newReference] = Stored(channel: held.channel, settings: held.settings, state: .active)
        subscriptions[reference]?.restoredAs = newReference
        return .restored(newReference)
    }

    func addSubscription(_ channel: WebChannel, settings: SubscriptionSettings) -> WebReference {
        let reference = WebReference.generate()
        subscriptions[reference] = Stored(channel: channel, settings: settings, state: .active)
        return reference
    }

    func state(of reference: WebReference) -> SubscriptionState? { subscriptions[reference]?.state }

    func settings(of reference: WebReference) -> SubscriptionSettings? { subscriptions[reference]?.settings }

    static let sampleCities = [
        CityListing(
            id: "busan", name: Localized(ko: "부산", en: "Busan"),
            next: ConcertListing(
                when: Localized(ko: "2019년 10월 24일 (목) 14:00", en: "Thu 24 October 2019, 14:00"),
                machineStart: "2019-10-24T14:00:00+09:00", venue: Localized(ko: "벡스코 <제2전시장>", en: "BEXCO"),
                speaker: Localized(ko: "김 교수", en: "Prof. Kim"))),
        CityListing(id: "sejong", name: Localized(ko: "세종", en: "Sejong"), next: nil),
    ]
}

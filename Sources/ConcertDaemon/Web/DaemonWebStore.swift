import ConcertCore
import ConcertWeb
import Dispatch
import Foundation
import Logging
import NIOPosix

/// The web front door's store: the daemon's store, catalog and confirmation mail behind the
/// `WebStore` the pages use. Each call runs on `blocking`, threads of the front door's own, so that
/// the server's event loop and Swift's cooperative threads never wait on SQLite, and a burst of
/// requests waiting for the store's writer cannot take the Dispatch workers the scheduler needs.
final class DaemonWebStore: WebStore {
    let store: any ConcertdStore
    let catalog: @Sendable () -> Catalog
    /// Whether a confirmed subscription also gets the usual confirmation naming the next concert.
    let confirmations: Bool
    /// Sends the confirmation request of a kept request; nil when email is off.
    let mail: WebConfirmationMail?
    /// Posts the confirmation request of a kept request to a chat channel; nil when `web_webhooks`
    /// is off.
    let post: WebConfirmationPost?
    /// How a confirmation message that failed for a while is tried again.
    let retry: ConfirmationRetry
    let logger: Logger
    /// Wakes the delivery scheduler after a write that changes what is due (a subscription made,
    /// changed, paused, resumed or removed), as the control socket's subscribe and pause do, so
    /// that the rows it planned are sent on time rather than at the next wake-up.
    let wake: @Sendable () -> Void
    let blocking: NIOThreadPool
    let removals: GroupCommit<Removal, WebRemovalOutcome>

    init(
        store: any ConcertdStore, catalog: @escaping @Sendable () -> Catalog, confirmations: Bool,
        mail: WebConfirmationMail?, post: WebConfirmationPost? = nil, retry: ConfirmationRetry = .standard,
        logger: Logger, wake: @escaping @Sendable () -> Void, blocking: NIOThreadPool
    ) {
        self.store = store
        self.catalog = catalog
        self.confirmations = confirmations
        self.mail = mail
        self.post = post
        self.retry = retry
        self.logger = logger
        self.wake = wake
        self.blocking = blocking
        self.removals = Self.removals(store: store, blocking: blocking, wake: wake)
    }

    /// One removal to commit: the batch takes the latest `now` of its requests.
    struct Removal: Sendable {
        var id: String
        var now: Date
    }

    /// The group commit of web removals: one transaction for the removals waiting, one scheduler
    /// wake-up for each commit that removed any.
    static func removals(
        store: any ConcertdStore, blocking: NIOThreadPool, wake: @escaping @Sendable () -> Void
    ) -> GroupCommit<Removal, WebRemovalOutcome> {
        GroupCommit(
            run: { work in blocking.submit { state in work(state == .active) } },
            commit: { batch in
                let now = batch.map(\.now).max() ?? Date()
                let outcomes = try store.removeSubscriptions(
                    ids: batch.map(\.id), reason: "unsubscribed on the web", now: now)
                if outcomes.contains(where: { if case .success(.removed) = $0 { true } else { false } }) { wake() }
                return outcomes
            })
    }

    private func off<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await blocking.runIfActive(work)
    }

    func tokenKeys(now: Date, rotation: TokenKeyRotation, candidate: TokenKey) async throws -> [TokenKey] {
        try await off { [store] in try store.webTokenKeys(now: now, rotation: rotation, candidate: candidate) }
    }

    func cityListings(now: Date) async throws -> [CityListing] {
        let cities = catalog().cities
        let concerts = try await off { [store] in try store.concerts() }
        var next: [String: Concert] = [:]
        var last: [String: Concert] = [:]
        for stored in concerts {
            let concert = stored.concert
            for city in concert.cities {
                if concert.schedule.end > now {
                    if let known = next[city], known.schedule.start <= concert.schedule.start { continue }
                    next[city] = concert
                } else if concert.status != .cancelled {
                    if let known = last[city], known.schedule.end >= concert.schedule.end { continue }
                    last[city] = concert
                }
            }
        }
        return cities.map { city in
            let upcoming = next[city.id].map(Self.listing)
            return CityListing(
                id: city.id, name: Localized(ko: city.shortName, en: city.englishName), next: upcoming,
                last: upcoming == nil ? last[city.id].map(Self.listing) : nil)
        }
    }

    private static func listing(_ concert: Concert) -> ConcertListing {
        let speaker = concert.speaker.map {
            Localized(ko: "\($0.name.ko) (\($0.affiliation.ko))", en: "\($0.name.en) (\($0.affiliation.en))")
        }
        return ConcertListing(
            when: Localized(ko: concert.schedule.wording(in: .ko), en: concert.schedule.wording(in: .en)),
            machineStart: KoreaTime.iso8601(concert.schedule.start),
            venue: concert.venue.map { Localized(ko: $0.ko, en: $0.en) }, speaker: speaker,
            cancelled: concert.status == .cancelled)
    }

    func requestSubscription(
        _ request: PendingSubscription, limits: ConfirmationLimits, now: Date
    ) async throws -> SubscriptionRequestOutcome {
        // Refused before anything is kept or counted: a channel this daemon cannot confirm.
        let channel: ChannelAddress
        switch request.channel {
        case .email(let address):
            guard mail != nil else { return .refused("email is off") }
            channel = .email(address)
        case .webhook(let url, let format):
            guard let post else { return .refused("chat channels are off") }
            if let problem = post.settings.deny.problem(withURL: url) { return .refused(problem) }
            channel = .webhook(url: url, format: format, secret: nil)
        }
        let offsets = request.settings.offsets.compactMap(ReminderOffset.init)
        let pending = PendingWebRequest(
            id: request.reference.id,
            subscription: NewSubscription(
                channel: channel, cities: request.settings.cities, offsets: offsets,
                language: Language(rawValue: request.settings.language.rawValue) ?? .ko),
            expires: request.expires)
        let rateLimits = [
            WebRateLimit(key: request.clientKey, limit: limits.perClient, window: limits.clientWindow),
            WebRateLimit(key: request.channelKey, limit: limits.perChannel, window: limits.channelWindow),
        ]
        let outcome = try await off { [store] in
            try store.requestWebSubscription(pending, limits: rateLimits, now: now)
        }
        switch outcome {
        case .limited(let retryAfter):
            return .limited(retryAfter: retryAfter)
        case .kept:
            sendConfirmation(
                pending.subscription.channel, request: request, language: pending.subscription.language, now: now)
            return .queued
        }
    }

    /// Sends the confirmation request of a kept request, trying a transient failure again
    /// (``ConfirmationRetry``), and logs the outcome with the channel masked.
    private func sendConfirmation(
        _ channel: ChannelAddress, request: PendingSubscription, language: Language, now: Date
    ) {
        let logger = self.logger
        let masked = request.channel.masked
        let confirmURL = request.confirmURL
        let catalog = catalog()
        let cities = request.settings.cities.compactMap(catalog.city(id:))
        let offsets = request.settings.offsets.compactMap(ReminderOffset.init)
        let attempt: @Sendable (@escaping @Sendable (Verdict) -> Void) -> Void
        // A refusal can quote the address (`550 <kim@example.org>: unknown`): the journal gets it masked.
        let hidden = channel.target
        switch channel {
        case .email(let address):
            guard let mail else { return }
            attempt = { done in
                mail.send(
                    to: address, confirmURL: confirmURL, cities: cities, offsets: offsets, language: language,
                    now: now, completion: done)
            }
        case .webhook(let url, let format, _):
            guard let post else { return }
            attempt = { done in
                post.send(
                    to: url, format: format, confirmURL: confirmURL, cities: cities, offsets: offsets,
                    language: language, now: now, completion: done)
            }
        }
        retry.run(attempt) { verdict, attempts in
            switch verdict {
            case .sent:
                logger.info(
                    "web confirmation request sent", metadata: ["to": "\(masked)", "attempts": "\(attempts)"])
            default:
                logger.warning(
                    "web confirmation request not sent",
                    metadata: [
                        "to": "\(masked)", "attempts": "\(attempts)", "verdict": "\(verdict.name)",
                        "error":
                            "\(verdict.detail.replacingOccurrences(of: hidden, with: masked, options: .caseInsensitive))",
                    ])
            }
        }
    }

    func requestSettings(_ reference: WebReference) async throws -> SubscriptionSettings? {
        let request = try await off { [store] in try store.webRequest(id: reference.id) }
        return request.map {
            SubscriptionSettings(
                cities: $0.cities, offsets: $0.offsets.map(\.description),
                language: WebLanguage(rawValue: $0.language.rawValue) ?? .ko)
        }
    }

    func confirmSubscription(request: WebReference, now: Date) async throws -> ConfirmationOutcome {
        let confirm = confirmations
        let outcome = try await off { [store] in
            try store.confirmWebSubscription(requestID: request.id, confirm: confirm, now: now)
        }
        switch outcome {
        case .confirmed(let id):
            wake()
            return WebReference(id: id).map { .confirmed(subscription: $0) } ?? .notFound
        case .alreadyConfirmed(let id):
            return WebReference(id: id).map { .alreadyConfirmed(subscription: $0) } ?? .notFound
        case .expired: return .expired
        case .notFound: return .notFound
        }
    }

    func liveReference(_ reference: WebReference) async throws -> WebReference? {
        let live = try await off { [store] in try store.liveSubscriptionID(from: reference.id) }
        return live.flatMap(WebReference.init(id:))
    }

    func subscription(_ reference: WebReference) async throws -> WebSubscription? {
        guard let found = try await off({ [store] in try store.subscription(id: reference.id) }) else { return nil }
        let masked: String
        switch found.channel {
        case .email(let address): masked = WebChannel.email(address).masked
        case .webhook(let url, let format, _): masked = WebChannel.webhook(url: url, format: format).masked
        }
        return WebSubscription(
            reference: reference, maskedChannel: masked,
            settings: SubscriptionSettings(
                cities: found.cities, offsets: found.offsets.map(\.description),
                language: WebLanguage(rawValue: found.language.rawValue) ?? .ko),
            state: SubscriptionState(rawValue: found.state.rawValue) ?? .active)
    }

    func changeSubscription(
        _ reference: WebReference, to settings: SubscriptionSettings, now: Date
    ) async throws -> ChangeOutcome {
        let offsets = settings.offsets.compactMap(ReminderOffset.init)
        let language = Language(rawValue: settings.language.rawValue) ?? .ko
        let outcome: ChangeOutcome = try await off { [store] in
            guard let found = try store.subscription(id: reference.id) else { return .notFound }
            guard found.state != .removed else { return .removed }
            try store.changeSubscription(
                id: reference.id, cities: settings.cities, offsets: offsets, language: language, now: now)
            return .changed
        }
        if outcome == .changed { wake() }
        return outcome
    }

    func setPaused(_ paused: Bool, subscription reference: WebReference, now: Date) async throws -> ChangeOutcome {
        let (outcome, wrote): (ChangeOutcome, Bool) = try await off { [store] in
            guard let found = try store.subscription(id: reference.id) else { return (.notFound, false) }
            guard found.state != .removed else { return (.removed, false) }
            let target: Subscription.State = paused ? .paused : .active
            guard found.state != target else { return (.changed, false) }
            try store.setSubscriptionState(
                id: reference.id, to: target, reason: paused ? "paused on the web" : nil, now: now)
            return (.changed, true)
        }
        if wrote { wake() }
        return outcome
    }

    /// Removals that arrive together share one commit (`removals`); each is answered after it.
    func unsubscribe(_ reference: WebReference, now: Date) async throws -> UnsubscribeOutcome {
        try await unsubscribeTellingLanguage(reference, now: now).0
    }

    func unsubscribeTellingLanguage(
        _ reference: WebReference, now: Date
    ) async throws -> (UnsubscribeOutcome, WebLanguage?) {
        switch try await removals.submit(Removal(id: reference.id, now: now)) {
        case .removed(let language): (.unsubscribed, WebLanguage(rawValue: language.rawValue))
        case .alreadyRemoved(let language): (.alreadyUnsubscribed, WebLanguage(rawValue: language.rawValue))
        case .notFound: (.notFound, nil)
        }
    }

    func undoUnsubscribe(
        _ reference: WebReference, newReference: WebReference, now: Date
    ) async throws -> UndoOutcome {
        let outcome = try await off { [store] in try store.undoRemoval(subscriptionID: reference.id, now: now) }
        switch outcome {
        case .restored(let id):
            wake()
            return WebReference(id: id).map { .restored($0) } ?? .notFound
        case .alreadyRestored(let id): return WebReference(id: id).map { .alreadyRestored($0) } ?? .notFound
        case .notRemoved: return .notRemoved
        case .notFound: return .notFound
        }
    }
}

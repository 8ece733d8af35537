import ConcertCore
import Foundation

/// What the web front door needs from concertd's store, named by what the pages do.
///
/// Everything the front door keeps lives here, not in process memory or files: the keys that sign
/// its tokens and the counts of its rate limits included, so that several instances on one database
/// share them. A reference (`WebReference`) is a random public name of a pending request or a
/// subscription: the only identity that appears in URLs.
public protocol WebStore: Sendable {
    /// The token keys in force, newest first. Makes `candidate` the signing key when no key was made
    /// within `rotation.signFor` of `now` (the first start, and each rotation), and forgets keys made
    /// before `now - rotation.signFor - rotation.verifyFor`, in one transaction.
    func tokenKeys(now: Date, rotation: TokenKeyRotation, candidate: TokenKey) async throws -> [TokenKey]

    /// The municipalities in catalog order, each with its next concert as of `now`.
    func cityListings(now: Date) async throws -> [CityListing]

    /// Keeps a request to subscribe and queues its confirmation message to the channel, unless a
    /// limit of `limits` is reached; counts it against both limits when it is kept. Prunes expired
    /// pending requests and spent rate-limit counts.
    func requestSubscription(
        _ request: PendingSubscription, limits: ConfirmationLimits, now: Date
    ) async throws -> SubscriptionRequestOutcome

    /// What a pending request asked for: its cities, offsets and language, which its confirmation
    /// page shows (in that language); nil when there is none by that reference.
    func requestSettings(_ reference: WebReference) async throws -> SubscriptionSettings?

    /// Turns a pending request into a subscription (source `web`), once.
    func confirmSubscription(request: WebReference, now: Date) async throws -> ConfirmationOutcome

    /// The subscription a link issued for `reference` acts on: the same one, or the one an undo of
    /// its removal made (through later undos to the last; nothing but undos is followed). Nil when
    /// there is no subscription by that reference.
    func liveReference(_ reference: WebReference) async throws -> WebReference?

    /// A subscription as its manage page shows it; nil when there is none by that reference.
    func subscription(_ reference: WebReference) async throws -> WebSubscription?

    /// Applies new cities, offsets and language to an active or paused subscription.
    func changeSubscription(
        _ reference: WebReference, to settings: SubscriptionSettings, now: Date
    ) async throws -> ChangeOutcome

    /// Pauses (`true`) or resumes (`false`) a subscription.
    func setPaused(_ paused: Bool, subscription: WebReference, now: Date) async throws -> ChangeOutcome

    /// Removes a subscription for good; removing it again is harmless.
    func unsubscribe(_ reference: WebReference, now: Date) async throws -> UnsubscribeOutcome

    /// `unsubscribe`, and the subscription's language (nil when there is none by that reference):
    /// a one-click answer speaks it, and a store that learns it in the removal's own write spares
    /// the request a read.
    func unsubscribeTellingLanguage(
        _ reference: WebReference, now: Date
    ) async throws -> (UnsubscribeOutcome, WebLanguage?)

    /// Makes a new subscription with the settings of a removed one, named `newReference`; a second
    /// undo of the same removal answers the subscription the first one made.
    func undoUnsubscribe(
        _ reference: WebReference, newReference: WebReference, now: Date
    ) async throws -> UndoOutcome
}

extension WebStore {
    public func unsubscribeTellingLanguage(
        _ reference: WebReference, now: Date
    ) async throws -> (UnsubscribeOutcome, WebLanguage?) {
        let language = try await subscription(reference)?.settings.language
        return (try await unsubscribe(reference, now: now), language)
    }
}

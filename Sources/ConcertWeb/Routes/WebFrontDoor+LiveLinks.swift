import ConcertCore
import Foundation
import Hummingbird

extension WebFrontDoor {
    /// The subscription a subscription link (manage, unsubscribe, undo) acts on, and the token
    /// naming it for the same purpose.
    ///
    /// An undo makes a new subscription (`removed` stays final), so the links in the mails sent
    /// before name the removed one: they act on the subscription the undo made instead, through
    /// later undos to the last (`WebStore.liveReference`). Only undo records are followed, so no
    /// token reaches a subscription but the one it was issued for and those that replaced it.
    /// `moved` tells when the token's own subscription was replaced.
    func liveSubscription(
        _ context: WebRequestContext, for purpose: TokenPurpose
    ) async throws -> (reference: WebReference, token: String, moved: Bool) {
        let (reference, token) = try await reference(context, for: purpose)
        guard let live = try await store.liveReference(reference) else { throw PageError.linkInvalid }
        guard live != reference else { return (reference, token, false) }
        return (live, try await sign(live, for: purpose), true)
    }
}

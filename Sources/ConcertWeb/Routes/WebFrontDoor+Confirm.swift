import Foundation
import Hummingbird

extension WebFrontDoor {
    /// GET /confirm/TOKEN: a page with the button. Following the link confirms nothing, so mail
    /// scanners that open links cannot subscribe anyone. It names the cities and offsets the request
    /// asked for, in its language unless `?lang=` names one.
    func showConfirm(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let (reference, token) = try await reference(context, for: .confirm)
        let asked = try await store.requestSettings(reference)
        let cities = asked == nil ? [] : try await store.cityListings(now: now())
        let (csrf, setCookie) = try await csrfToken(for: request)
        return page(
            TokenPages.confirm(
                token: token, asked: asked, cities: cities, csrf: csrf, settings: settings,
                words: words(request, subscription: asked?.language)),
            setCookie: setCookie)
    }

    /// POST /confirm/TOKEN: the pending request becomes a subscription; a second time changes nothing.
    func confirm(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let (reference, token) = try await reference(context, for: .confirm)
        let fields = try await formFields(of: request)
        try await checkCSRF(request, fields: fields)
        let words = words(request)
        switch try await store.confirmSubscription(request: reference, now: now()) {
        case .confirmed(let subscription):
            logger.notice(
                "web subscription confirmed",
                metadata: ["request": "\(reference.id)", "subscription": "\(subscription.id)"])
            let manage = try await sign(subscription, for: .manage)
            return page(
                TokenPages.confirmed(
                    again: false, manageToken: manage, settings: settings, words: words, path: "/confirm/" + token))
        case .alreadyConfirmed:
            // No manage link: whoever holds a used confirmation link would get the subscription's
            // control. The page says the subscriber's mails carry their links.
            return page(
                TokenPages.confirmed(
                    again: true, manageToken: nil, settings: settings, words: words, path: "/confirm/" + token))
        case .expired:
            throw PageError.linkExpired
        case .notFound:
            throw PageError.linkInvalid
        }
    }
}

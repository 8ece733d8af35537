import Foundation
import Hummingbird

extension WebFrontDoor {
    /// GET /unsubscribe/TOKEN: the page with the button and the way to manage instead. Opening the
    /// link removes nothing. In the subscription's language unless `?lang=` names one. For the
    /// subscription that replaced the link's own when an undo did.
    func showUnsubscribe(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let (reference, token, _) = try await liveSubscription(context, for: .unsubscribe)
        let language = try await store.subscription(reference)?.settings.language
        let manage = try await sign(reference, for: .manage)
        let (csrf, setCookie) = try await csrfToken(for: request)
        let html = TokenPages.unsubscribe(
            token: token, manageToken: manage, csrf: csrf, settings: settings,
            words: words(request, subscription: language))
        return page(html, setCookie: setCookie)
    }

    /// POST /unsubscribe/TOKEN with `List-Unsubscribe=One-Click` (RFC 8058): removes the subscription
    /// at once. The token is the authorization, so no CSRF token is asked for: a mail client sends
    /// none. The answer and the undo form on it come in the subscription's language, which the
    /// removal tells: a mail client sends neither `?lang=` nor, often, `Accept-Language`. The link of
    /// a subscription an undo replaced removes the one that replaced it: its holder asked for no more mail.
    func unsubscribe(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let (reference, token, _) = try await liveSubscription(context, for: .unsubscribe)
        let body = try await body(of: request)
        guard OneClickBody.isOneClick(contentType: request.headers[.contentType], body: body) else {
            // In the subscription's language, as the page of a good one-click is.
            throw PageError(kind: .badRequest, language: try await store.subscription(reference)?.settings.language)
        }
        let (outcome, language) = try await store.unsubscribeTellingLanguage(reference, now: now())
        return try await unsubscribed(
            reference, outcome: outcome, request: request, language: language, path: "/unsubscribe/" + token,
            how: "one-click")
    }

    /// Removes the subscription and answers the page with the undo button, in `language` (the
    /// subscription's) unless `?lang=` names one.
    func unsubscribed(
        _ reference: WebReference, request: Request, language: WebLanguage?, path: String, how: String
    ) async throws -> Response {
        try await unsubscribed(
            reference, outcome: try await store.unsubscribe(reference, now: now()), request: request,
            language: language, path: path, how: how)
    }

    /// The page with the undo button after a removal's `outcome`.
    func unsubscribed(
        _ reference: WebReference, outcome: UnsubscribeOutcome, request: Request, language: WebLanguage?,
        path: String, how: String
    ) async throws -> Response {
        let words = words(request, subscription: language)
        let again: Bool
        switch outcome {
        case .unsubscribed:
            logger.notice("web unsubscribe", metadata: ["subscription": "\(reference.id)", "via": "\(how)"])
            again = false
        case .alreadyUnsubscribed:
            again = true
        case .notFound:
            throw PageError.linkInvalid
        }
        let undo = try await sign(reference, for: .undo)
        let (csrf, setCookie) = try await csrfToken(for: request)
        return page(
            TokenPages.unsubscribed(
                again: again, undoToken: undo, csrf: csrf, settings: settings, words: words, path: path),
            setCookie: setCookie)
    }

    /// POST /undo/TOKEN: a new subscription with the removed one's settings (the removal stays).
    /// Of an undone removal, it restores the subscription that undo made if that was removed since.
    func undo(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let (reference, _, _) = try await liveSubscription(context, for: .undo)
        let fields = try await formFields(of: request)
        try await checkCSRF(request, fields: fields)
        let words = words(request, subscription: try await store.subscription(reference)?.settings.language)
        let restored: WebReference
        switch try await store.undoUnsubscribe(reference, newReference: .generate(), now: now()) {
        case .restored(let new):
            logger.notice(
                "web unsubscribe undone",
                metadata: ["subscription": "\(reference.id)", "new": "\(new.id)"])
            restored = new
        case .alreadyRestored(let new):
            restored = new
        case .notRemoved:
            restored = reference
        case .notFound:
            throw PageError.linkInvalid
        }
        let manage = try await sign(restored, for: .manage)
        return page(
            Layout.message(
                heading: words.restoredHeading, paragraphs: [words.restoredText], words: words,
                prefix: settings.pathPrefix, path: "/"
            ) { html in
                TokenPages.manageLink(token: manage, settings: settings, words: words, html: &html)
            })
    }
}

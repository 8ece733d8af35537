import Foundation
import Hummingbird

extension WebFrontDoor {
    /// GET /manage/TOKEN: the subscription's settings, pause or resume, unsubscribe. The link of a
    /// subscription an undo replaced leads to the page of the one that replaced it.
    func showManage(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let (reference, token, moved) = try await liveSubscription(context, for: .manage)
        if moved { return redirect(to: "/manage/" + token + (request.uri.query.map { "?" + $0 } ?? "")) }
        guard let subscription = try await store.subscription(reference) else { throw PageError.linkInvalid }
        let words = words(request, subscription: subscription.settings.language)
        let notice: String? =
            switch request.uri.queryParameters["done"] {
            case "saved": words.savedText
            case "paused": words.pausedText
            case "resumed": words.resumedText
            default: nil
            }
        var form = SubscribeFormState(
            defaultOffsets: subscription.settings.offsets, language: subscription.settings.language)
        form.cities = Set(subscription.settings.cities)
        return try await managePage(
            subscription, token: token, form: form, notice: notice, status: .ok, request: request)
    }

    /// POST /manage/TOKEN with `action` = `save`, `pause`, `resume` or `unsubscribe`, on the
    /// subscription that replaced the link's own when an undo did.
    func manage(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let (reference, token, _) = try await liveSubscription(context, for: .manage)
        let fields = try await formFields(of: request)
        try await checkCSRF(request, fields: fields)
        guard let subscription = try await store.subscription(reference) else { throw PageError.linkInvalid }
        let words = words(request, subscription: subscription.settings.language)
        let moment = now()
        let action: String?
        do {
            action = try fields.single("action")
        } catch {
            throw PageError.badRequest
        }
        let done: String
        // The page to come back to is in the language just saved, else in this page's.
        var language = words.language
        switch action {
        case "save":
            let cities = try await store.cityListings(now: moment)
            var form = SubscribeFormState(
                defaultOffsets: settings.defaultOffsets, language: subscription.settings.language)
            guard
                let new = SubscribeForm.readSettings(
                    fields, cities: cities, settings: settings, words: words, into: &form)
            else {
                return try await managePage(
                    subscription, token: token, form: form, notice: nil, status: .badRequest, request: request)
            }
            try await outcome(store.changeSubscription(reference, to: new, now: moment))
            language = new.language
            done = "saved"
        case "pause", "resume":
            try await outcome(store.setPaused(action == "pause", subscription: reference, now: moment))
            done = action == "pause" ? "paused" : "resumed"
        case "unsubscribe":
            return try await unsubscribed(
                reference, request: request, language: subscription.settings.language, path: "/manage/" + token,
                how: "manage page")
        default:
            throw PageError.badRequest
        }
        logger.notice(
            "web subscription changed",
            metadata: ["subscription": "\(reference.id)", "action": "\(action ?? "")"])
        return redirect(to: "/manage/\(token)?lang=\(language.rawValue)&done=\(done)")
    }

    private func outcome(_ outcome: ChangeOutcome) throws {
        switch outcome {
        case .changed, .removed: return
        case .notFound: throw PageError.linkInvalid
        }
    }

    private func managePage(
        _ subscription: WebSubscription, token: String, form: SubscribeFormState, notice: String?,
        status: HTTPResponse.Status, request: Request
    ) async throws -> Response {
        let cities = try await store.cityListings(now: now())
        let (csrf, setCookie) = try await csrfToken(for: request)
        let html = TokenPages.manage(
            subscription: subscription, token: token, cities: cities, form: form, notice: notice, csrf: csrf,
            settings: settings, words: words(request, subscription: subscription.settings.language))
        return page(html, status: status, setCookie: setCookie)
    }
}

import ConcertCore
import Foundation
import Hummingbird

extension WebFrontDoor {
    /// POST /subscribe: checks the form, counts it against the limits and asks for confirmation.
    ///
    /// A kept request is answered with the same "check your inbox" page whether or not the address
    /// is subscribed already: the page reveals nothing about who is.
    func subscribe(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let fields = try await formFields(of: request)
        try await checkCSRF(request, fields: fields)
        let words = words(request)
        // A channel the page does not offer is refused before anything is read or counted.
        if !settings.webhooksEnabled, !fields.values("webhook").isEmpty { throw PageError.webhooksOff }
        if !settings.emailEnabled, !fields.values("email").isEmpty { throw PageError.emailOff }
        let moment = now()
        let cities = try await store.cityListings(now: moment)
        var form = SubscribeFormState(defaultOffsets: settings.defaultOffsets, language: words.language)
        let parsed: (channel: WebChannel, settings: SubscriptionSettings)?
        do {
            parsed = try SubscribeForm.read(fields, cities: cities, settings: self.settings, words: words, into: &form)
        } catch {
            throw PageError.badRequest
        }
        guard let parsed else {
            return try await formAgain(form, cities: cities, words: words, request: request, fields: fields)
        }
        let client = client(request, context)
        let key = try await keys.signingKey(now: moment)
        let reference = WebReference.generate()
        let token = reference.token(for: .confirm, with: key)
        let pending = PendingSubscription(
            reference: reference, channel: parsed.channel, settings: parsed.settings,
            confirmURL: link(.confirm, token: token) + "?lang=" + parsed.settings.language.rawValue,
            expires: moment + settings.pendingLifetime,
            clientKey: RateLimitKey.make("client", client.limitSubject, key: key),
            channelKey: RateLimitKey.make("channel", parsed.channel.limitSubject, key: key))
        switch try await store.requestSubscription(pending, limits: settings.limits, now: moment) {
        case .queued:
            logger.notice(
                "web subscription requested",
                metadata: [
                    "channel": "\(parsed.channel.masked)", "client": "\(client)", "request": "\(reference.id)",
                ])
            let to = if case .webhook = parsed.channel { "&to=channel" } else { "" }
            return redirect(to: "/check-inbox?lang=\(words.language.rawValue)\(to)")
        case .limited(let retryAfter):
            logger.notice(
                "web subscription refused: confirmation limit reached",
                metadata: ["channel": "\(parsed.channel.masked)", "client": "\(client)"])
            throw PageError.tooMany(retryAfter: retryAfter)
        case .refused(let reason):
            logger.info("web subscription refused by the store", metadata: ["reason": "\(reason)"])
            let field = if case .webhook = parsed.channel { "webhook" } else { "email" }
            form.errors.append((field, field == "email" ? words.emailInvalid : words.webhookInvalid))
            return try await formAgain(form, cities: cities, words: words, request: request, fields: fields)
        }
    }

    /// The front page again with what was sent and the problems found, answered 400.
    private func formAgain(
        _ form: SubscribeFormState, cities: [CityListing], words: Words, request: Request, fields: FormFields
    ) async throws -> Response {
        let (token, setCookie) = try await csrfToken(for: request)
        let html = FrontPage.render(
            cities: cities, form: form, focusWebhook: (try? fields.single("webhook")) != nil, settings: settings,
            csrf: token, words: words)
        return page(html, status: .badRequest, setCookie: setCookie)
    }
}

/// The keys of the rate-limit counts: a keyed hash of what is counted, so the store holds no address.
enum RateLimitKey {
    static func make(_ kind: String, _ subject: String, key: TokenKey) -> String {
        let mac = HMACSHA256.mac(key: key.secret, Array("rate limit \(kind)\u{0}".utf8), Array(subject.utf8))
        return kind + ":" + Base64URL.encode(Array(mac.prefix(16)))
    }
}

extension WebChannel {
    /// What the per-channel limit counts: the address in lower case, or the webhook URL in its
    /// normal form (the store's), so that one channel written two ways is counted once.
    var limitSubject: String {
        switch self {
        case .email(let address): address.lowercased()
        case .webhook(let url, _): WebhookURL.normalized(url)
        }
    }

    /// For the journal and the pages: `k***@example.org`, or the webhook's scheme and host
    /// (`https://hooks.slack.com/***`), never its path or query, which carry its token.
    public var masked: String {
        switch self {
        case .email(let address):
            guard let at = address.lastIndex(of: "@") else { return "***" }
            return String(address.prefix(1)) + "***" + address[at...]
        case .webhook(let url, _):
            guard let components = URLComponents(string: url), let host = components.host else { return "***" }
            return "\(components.scheme ?? "https")://\(host)/***"
        }
    }
}

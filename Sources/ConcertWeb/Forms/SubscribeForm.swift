import ConcertCore
import Foundation

/// Reads the fields of the subscribe and manage forms: `email` or `webhook` with `format`, `city`
/// (one or several ids), `before` (offsets; absent means the configured ones) and `lang`.
enum SubscribeForm {
    /// The channel and settings, or nil with `form.errors` saying what to mend. Throws when the form is
    /// not one these pages send (a field repeated that appears once), which is answered 400.
    static func read(
        _ fields: FormFields, cities: [CityListing], settings: WebSettings, words: Words,
        into form: inout SubscribeFormState
    ) throws(FormFields.Refusal) -> (channel: WebChannel, settings: SubscriptionSettings)? {
        let email = try fields.single("email")?.trimmingCharacters(in: .whitespaces)
        let webhook = try fields.single("webhook")?.trimmingCharacters(in: .whitespaces)
        let format = try fields.single("format")
        form.email = shown(email)
        // A webhook URL is its channel's password: the page never shows it again, not even to mend.
        form.webhookURL = ""
        form.format = shown(format)
        var channel: WebChannel?
        switch (email, webhook) {
        case (.some, .some):
            throw .repeated("email")
        case (let email?, nil) where settings.emailEnabled:
            if email.isEmpty {
                form.errors.append(("email", words.emailMissing))
            } else if !looksLikeEmail(email) {
                form.errors.append(("email", words.emailInvalid))
            } else {
                channel = .email(email)
            }
        case (nil, let url?) where settings.webhooksEnabled:
            if url.isEmpty {
                form.errors.append(("webhook", words.webhookMissing))
            } else if let problem = webhookProblem(url, format: format, settings: settings, words: words) {
                form.errors.append(problem)
            } else if let format {
                channel = .webhook(url: url, format: format)
            }
        default:
            form.errors.append(
                settings.emailEnabled ? ("email", words.emailMissing) : ("webhook", words.webhookMissing))
        }
        guard let subscription = readSettings(fields, cities: cities, settings: settings, words: words, into: &form),
            let channel
        else { return nil }
        return (channel, subscription)
    }

    /// The cities, offsets and language of a form (the manage page sends only these).
    static func readSettings(
        _ fields: FormFields, cities: [CityListing], settings: WebSettings, words: Words,
        into form: inout SubscribeFormState
    ) -> SubscriptionSettings? {
        let known = Set(cities.map(\.id))
        var chosenCities: [String] = []
        for city in fields.values("city") where !chosenCities.contains(city) { chosenCities.append(city) }
        form.cities = Set(chosenCities.filter(known.contains))
        if chosenCities.isEmpty {
            form.errors.append(("city", words.citiesMissing))
        } else if !chosenCities.allSatisfy(known.contains) {
            form.errors.append(("city", words.citiesInvalid))
        }
        var offsets: [String] = []
        for offset in fields.values("before") where !offsets.contains(offset) { offsets.append(offset) }
        if offsets.isEmpty { offsets = settings.defaultOffsets }
        form.offsets = Set(offsets.filter(settings.offsetChoices.contains))
        if !offsets.allSatisfy(settings.offsetChoices.contains) {
            form.errors.append(("before", words.offsetsInvalid))
        }
        let languages = fields.values("lang")
        var language = form.language
        if let text = languages.first {
            if languages.count == 1, let chosen = WebLanguage(rawValue: text) {
                language = chosen
            } else {
                form.errors.append(("lang", words.languageInvalid))
            }
        }
        form.language = language
        guard form.errors.isEmpty else { return nil }
        // In the order the form lists them, whatever order they were sent in.
        let orderedOffsets = settings.offsetChoices.filter(offsets.contains)
        let orderedCities = cities.map(\.id).filter(chosenCities.contains)
        return SubscriptionSettings(cities: orderedCities, offsets: orderedOffsets, language: language)
    }

    /// The daemon's own address check (ASCII `local@domain` with a dotted domain, as the control socket
    /// accepts), so that the form refuses what the store would.
    static func looksLikeEmail(_ text: String) -> Bool {
        EmailAddress.problem(with: text) == nil && text.split(separator: "@").last?.contains(".") == true
    }

    /// What was typed, as the form shows it again: control characters (a pasted newline) as spaces.
    private static func shown(_ text: String?) -> String {
        String(String.UnicodeScalarView((text ?? "").unicodeScalars.map { isControl($0) ? " " : $0 }))
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// What is wrong with a webhook URL and its format, by the checks the control socket's
    /// `subscribe` makes (`WebhookURL`, the format's own rules) and `web_webhook_hosts`, or nil.
    /// The messages name neither the URL nor its token.
    private static func webhookProblem(
        _ text: String, format name: String?, settings: WebSettings, words: Words
    ) -> (field: String, message: String)? {
        guard !text.unicodeScalars.contains(where: isControl), WebhookURL.problem(with: text) == nil else {
            return ("webhook", words.webhookInvalid)
        }
        switch WebhookHostAllowlist.problem(with: text, hosts: settings.webhookHosts) {
        case nil: break
        case .hostNotAllowed: return ("webhook", words.webhookHostRefused)
        case .malformed, .notHTTPS: return ("webhook", words.webhookInvalid)
        }
        guard let name, settings.webhookFormats.contains(name) else { return ("format", words.formatInvalid) }
        let format: any WebhookFormat
        do {
            format = try WebhookFormatRegistry.named(name)
        } catch {
            return ("format", words.formatInvalid)
        }
        let implied = WebhookFormatRegistry.inferredName(forURL: text)
        if implied != "generic", implied != name { return ("format", words.formatMismatch(implied)) }
        if format.problem(withURL: text) != nil { return ("webhook", words.webhookWrongForFormat(name)) }
        return nil
    }
}

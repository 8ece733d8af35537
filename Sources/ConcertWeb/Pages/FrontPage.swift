/// What the subscribe forms hold: empty on the front page, what was sent when it is shown again
/// with the problems found.
struct SubscribeFormState {
    var email = ""
    var webhookURL = ""
    var format = ""
    var cities: Set<String> = []
    var offsets: Set<String>
    var language: WebLanguage
    /// Problems by field id (`email`, `city`, …), in the order they are shown.
    var errors: [(field: String, message: String)] = []

    init(defaultOffsets: [String], language: WebLanguage) {
        offsets = Set(defaultOffsets)
        self.language = language
    }

    func error(for field: String) -> String? {
        errors.first { $0.field == field }?.message
    }
}

/// The front page: every municipality with its next concert, then the subscribe forms.
enum FrontPage {
    static func render(
        cities: [CityListing], form: SubscribeFormState, focusWebhook: Bool = false, settings: WebSettings,
        csrf: String, words: Words
    ) -> String {
        let prefix = settings.pathPrefix
        return Layout.page(title: nil, words: words, prefix: prefix, path: "/") { html in
            html.raw("<h1>")
            html.text(words.frontHeading)
            html.raw("</h1><p>")
            html.text(words.frontIntro)
            // On a phone the form comes after sixteen city cards: this leads straight to it.
            html.raw("</p><p><a class=\"jump\" href=\"#subscribe\">")
            html.text(words.jumpToForm)
            html.raw("</a></p>")
            if !form.errors.isEmpty {
                errorSummary(form.errors, words: words, html: &html)
            }
            html.raw("<h2 id=\"cities\">")
            html.text(words.citiesHeading)
            html.raw("</h2><p>")
            html.text(words.timesNote)
            html.raw("</p><ul class=\"cities\" aria-labelledby=\"cities\">")
            for city in cities {
                cityItem(city, words: words, html: &html)
            }
            html.raw("</ul><h2 id=\"subscribe\">")
            html.text(words.subscribeHeading)
            html.raw("</h2>")
            if settings.emailEnabled {
                emailForm(
                    cities: cities, form: focusWebhook ? emptyForm(form, settings) : form, settings: settings,
                    csrf: csrf, words: words, html: &html)
            } else {
                html.raw("<p class=\"notice\">")
                html.text(words.emailOff)
                html.raw("</p>")
            }
            if settings.webhooksEnabled {
                html.raw("<h2 id=\"webhook\">")
                html.text(words.webhookHeading)
                html.raw("</h2>")
                webhookForm(
                    cities: cities, form: focusWebhook ? form : emptyForm(form, settings), settings: settings,
                    csrf: csrf, words: words, html: &html)
            } else if !settings.emailEnabled {
                html.raw("<p>")
                html.text(words.nothingOffered)
                html.raw("</p>")
            }
        }
    }

    private static func emptyForm(_ form: SubscribeFormState, _ settings: WebSettings) -> SubscribeFormState {
        SubscribeFormState(defaultOffsets: settings.defaultOffsets, language: form.language)
    }

    static func errorSummary(_ errors: [(field: String, message: String)], words: Words, html: inout HTML) {
        html.raw("<div class=\"errors\" role=\"alert\" aria-labelledby=\"errors-heading\"><h2 id=\"errors-heading\">")
        html.text(words.formErrorsHeading)
        html.raw("</h2><ul>")
        for error in errors {
            html.raw("<li><a href=\"#")
            html.text(error.field)
            html.raw("\">")
            html.text(error.message)
            html.raw("</a></li>")
        }
        html.raw("</ul></div>")
    }

    private static func cityItem(_ city: CityListing, words: Words, html: inout HTML) {
        let language = words.language
        html.raw("<li><h3>")
        html.text(city.name[language])
        html.raw("</h3>")
        guard let concert = city.next else {
            // A city whose concerts are over is still offered: a new concert is announced to its
            // subscribers.
            html.raw("<p class=\"none\">")
            if let last = city.last {
                html.text(words.heldOn)
                html.raw("<time datetime=\"")
                html.text(last.machineStart)
                html.raw("\">")
                html.text(last.when[language])
                html.raw("</time>")
                html.text(words.heldOnEnd)
                html.raw(" ")
            }
            html.text(words.noConcert)
            html.raw("</p></li>")
            return
        }
        html.raw("<p><span class=\"label\">")
        html.text(words.when)
        html.raw(":</span> <time datetime=\"")
        html.text(concert.machineStart)
        html.raw("\">")
        html.text(concert.when[language])
        html.raw("</time>")
        if concert.cancelled {
            html.raw(" <strong>(")
            html.text(words.cancelled)
            html.raw(")</strong>")
        }
        html.raw("</p>")
        if let venue = concert.venue {
            html.raw("<p><span class=\"label\">")
            html.text(words.venue)
            html.raw(":</span> ")
            html.text(venue[language])
            html.raw("</p>")
        }
        if let speaker = concert.speaker {
            html.raw("<p><span class=\"label\">")
            html.text(words.speaker)
            html.raw(":</span> ")
            html.text(speaker[language])
            html.raw("</p>")
        }
        html.raw("</li>")
    }

    private static func emailForm(
        cities: [CityListing], form: SubscribeFormState, settings: WebSettings, csrf: String, words: Words,
        html: inout HTML
    ) {
        Layout.form(action: settings.pathPrefix + "/subscribe", csrf: csrf, language: words.language, html: &html) {
            html in
            html.raw("<div class=\"field\"><label for=\"email\">")
            html.text(words.emailLabel)
            html.raw("</label>")
            fieldError(form.error(for: "email"), id: "email", html: &html)
            html.raw(
                "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" required maxlength=\"254\" aria-describedby=\"email-hint"
            )
            html.raw(form.error(for: "email") == nil ? "\"" : " email-error\" aria-invalid=\"true\"")
            html.raw(" value=\"")
            html.text(form.email)
            html.raw("\"><p class=\"hint\" id=\"email-hint\">")
            html.text(words.emailHint)
            html.raw("</p></div>")
            settingsFields(cities: cities, form: form, settings: settings, words: words, idPrefix: "", html: &html)
            html.raw("<div class=\"actions\"><button type=\"submit\">")
            html.text(words.subscribeButton)
            html.raw("</button></div>")
        }
    }

    private static func webhookForm(
        cities: [CityListing], form: SubscribeFormState, settings: WebSettings, csrf: String, words: Words,
        html: inout HTML
    ) {
        Layout.form(action: settings.pathPrefix + "/subscribe", csrf: csrf, language: words.language, html: &html) {
            html in
            html.raw("<div class=\"field\"><label for=\"webhook\">")
            html.text(words.webhookLabel)
            html.raw("</label>")
            fieldError(form.error(for: "webhook"), id: "webhook", html: &html)
            html.raw(
                "<input id=\"webhook\" name=\"webhook\" type=\"url\" required maxlength=\"2048\" aria-describedby=\"webhook-hint\" value=\""
            )
            html.text(form.webhookURL)
            html.raw("\"><p class=\"hint\" id=\"webhook-hint\">")
            html.text(words.webhookHint)
            html.raw("</p></div><div class=\"field\"><label for=\"format\">")
            html.text(words.formatLabel)
            html.raw("</label>")
            fieldError(form.error(for: "format"), id: "format", html: &html)
            html.raw("<select id=\"format\" name=\"format\">")
            for format in settings.webhookFormats {
                html.raw("<option value=\"")
                html.text(format)
                html.raw(format == form.format ? "\" selected>" : "\">")
                html.text(words.formatName(format))
                html.raw("</option>")
            }
            html.raw("</select></div>")
            settingsFields(cities: cities, form: form, settings: settings, words: words, idPrefix: "w-", html: &html)
            html.raw("<div class=\"actions\"><button type=\"submit\">")
            html.text(words.subscribeWebhookButton)
            html.raw("</button></div>")
        }
    }

    static func fieldError(_ message: String?, id: String, html: inout HTML) {
        guard let message else { return }
        html.raw("<p class=\"error\" id=\"\(id)-error\">")
        html.text(message)
        html.raw("</p>")
    }

    /// The cities, offsets and language fieldsets, shared by the subscribe forms and the manage page.
    static func settingsFields(
        cities: [CityListing], form: SubscribeFormState, settings: WebSettings, words: Words, idPrefix: String,
        html: inout HTML
    ) {
        let language = words.language
        html.raw("<fieldset id=\"\(idPrefix)city\"><legend>")
        html.text(words.citiesLegend)
        html.raw("</legend>")
        fieldError(form.error(for: "city"), id: idPrefix + "city", html: &html)
        html.raw("<div class=\"choices\">")
        for city in cities {
            let id = idPrefix + "city-" + city.id
            html.raw("<div class=\"choice\"><input type=\"checkbox\" name=\"city\" id=\"")
            html.text(id)
            html.raw("\" value=\"")
            html.text(city.id)
            html.raw(form.cities.contains(city.id) ? "\" checked><label for=\"" : "\"><label for=\"")
            html.text(id)
            html.raw("\">")
            html.text(city.name[language])
            if city.next == nil {
                html.raw(" <span class=\"hint\">")
                html.text(words.noConcertChoice)
                html.raw("</span>")
            }
            html.raw("</label></div>")
        }
        html.raw("</div></fieldset><fieldset id=\"\(idPrefix)before\"><legend>")
        html.text(words.offsetsLegend)
        html.raw("</legend>")
        fieldError(form.error(for: "before"), id: idPrefix + "before", html: &html)
        html.raw("<div class=\"choices\">")
        for offset in settings.offsetChoices {
            let id = idPrefix + "before-" + offset
            html.raw("<div class=\"choice\"><input type=\"checkbox\" name=\"before\" id=\"")
            html.text(id)
            html.raw("\" value=\"")
            html.text(offset)
            html.raw(form.offsets.contains(offset) ? "\" checked><label for=\"" : "\"><label for=\"")
            html.text(id)
            html.raw("\">")
            html.text(words.offset(offset))
            html.raw("</label></div>")
        }
        html.raw("</div></fieldset><fieldset id=\"\(idPrefix)lang\"><legend>")
        html.text(words.languageLegend)
        html.raw("</legend><div class=\"choices\">")
        for (choice, name) in [(WebLanguage.ko, words.korean), (.en, words.english)] {
            let id = idPrefix + "lang-" + choice.rawValue
            html.raw(
                "<div class=\"choice\"><input type=\"radio\" name=\"lang\" id=\"\(id)\" value=\"\(choice.rawValue)\"")
            html.raw(form.language == choice ? " checked>" : ">")
            html.raw("<label for=\"\(id)\" lang=\"\(choice.rawValue)\">")
            html.text(name)
            html.raw("</label></div>")
        }
        html.raw("</div></fieldset>")
    }
}

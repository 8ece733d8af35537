/// The pages reached from a link in a message: confirm, manage, unsubscribe, and what follows them.
enum TokenPages {
    /// The page of a confirmation link: what the request `asked` for (`cities` name its cities)
    /// and the button.
    static func confirm(
        token: String, asked: SubscriptionSettings?, cities: [CityListing], csrf: String, settings: WebSettings,
        words: Words
    ) -> String {
        let path = "/confirm/" + token
        return Layout.page(title: words.confirmHeading, words: words, prefix: settings.pathPrefix, path: path) { html in
            html.raw("<h1>")
            html.text(words.confirmHeading)
            html.raw("</h1><p>")
            html.text(words.confirmText)
            html.raw("</p>")
            if let asked {
                askedFor(asked, cities: cities, words: words, html: &html)
            }
            Layout.form(action: settings.pathPrefix + path, csrf: csrf, language: words.language, html: &html) { html in
                html.raw("<div class=\"actions\"><button type=\"submit\">")
                html.text(words.confirmButton)
                html.raw("</button></div>")
            }
        }
    }

    /// `Municipalities: Busan, Daegu` and `Reminders: 1 day before, 1 hour before`, as a list of terms.
    static func askedFor(_ asked: SubscriptionSettings, cities: [CityListing], words: Words, html: inout HTML) {
        let names = asked.cities.map { id in cities.first { $0.id == id }?.name[words.language] ?? id }
        html.raw("<dl><dt>")
        html.text(words.askedCities)
        html.raw("</dt><dd>")
        html.text(names.joined(separator: ", "))
        html.raw("</dd><dt>")
        html.text(words.askedOffsets)
        html.raw("</dt><dd>")
        html.text(asked.offsets.map(words.offset).joined(separator: ", "))
        html.raw("</dd></dl>")
    }

    static func confirmed(
        again: Bool, manageToken: String?, settings: WebSettings, words: Words, path: String
    ) -> String {
        Layout.message(
            heading: words.confirmedHeading, paragraphs: [again ? words.alreadyConfirmedText : words.confirmedText],
            words: words, prefix: settings.pathPrefix, path: path
        ) { html in
            guard let manageToken else { return }
            manageLink(token: manageToken, settings: settings, words: words, html: &html)
        }
    }

    static func manageLink(token: String, settings: WebSettings, words: Words, html: inout HTML) {
        html.raw("<p><a href=\"")
        html.text(settings.pathPrefix + "/manage/" + token + "?lang=" + words.language.rawValue)
        html.raw("\">")
        html.text(words.manageLink)
        html.raw("</a></p>")
    }

    static func manage(
        subscription: WebSubscription, token: String, cities: [CityListing], form: SubscribeFormState,
        notice: String?, csrf: String, settings: WebSettings, words: Words
    ) -> String {
        let path = "/manage/" + token
        let action = settings.pathPrefix + path
        return Layout.page(title: words.manageHeading, words: words, prefix: settings.pathPrefix, path: path) { html in
            html.raw("<h1>")
            html.text(words.manageHeading)
            html.raw("</h1>")
            if let notice {
                html.raw("<p class=\"notice\" role=\"status\">")
                html.text(notice)
                html.raw("</p>")
            }
            if !form.errors.isEmpty {
                FrontPage.errorSummary(form.errors, words: words, html: &html)
            }
            html.raw("<dl><dt>")
            html.text(words.channelLabel)
            html.raw("</dt><dd>")
            html.text(subscription.maskedChannel)
            html.raw("</dd><dt>")
            html.text(words.stateLabel)
            html.raw("</dt><dd>")
            html.text(words.state(subscription.state))
            html.raw("</dd></dl>")
            guard subscription.state != .removed else {
                html.raw("<p>")
                html.text(words.removedText)
                html.raw("</p>")
                return
            }
            Layout.form(action: action, csrf: csrf, language: words.language, html: &html) { html in
                FrontPage.settingsFields(
                    cities: cities, form: form, settings: settings, words: words, idPrefix: "", html: &html)
                html.raw("<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"save\">")
                html.text(words.saveButton)
                html.raw("</button></div>")
            }
            html.raw("<h2>")
            html.text(words.pauseHeading)
            html.raw("</h2>")
            Layout.form(action: action, csrf: csrf, language: words.language, html: &html) { html in
                html.raw("<div class=\"actions\">")
                if subscription.state == .active {
                    html.raw("<button type=\"submit\" class=\"secondary\" name=\"action\" value=\"pause\">")
                    html.text(words.pauseButton)
                } else {
                    html.raw("<button type=\"submit\" class=\"secondary\" name=\"action\" value=\"resume\">")
                    html.text(words.resumeButton)
                }
                html.raw("</button></div>")
            }
            // Unsubscribing is final (an undo makes a new subscription): apart from pause, with
            // its own heading, words and colour.
            html.raw("<h2>")
            html.text(words.unsubscribeForGoodHeading)
            html.raw("</h2><p>")
            html.text(words.unsubscribeForGoodText)
            html.raw("</p>")
            Layout.form(action: action, csrf: csrf, language: words.language, html: &html) { html in
                html.raw(
                    "<div class=\"actions\"><button type=\"submit\" class=\"danger\" name=\"action\" value=\"unsubscribe\">"
                )
                html.text(words.unsubscribeForGoodButton)
                html.raw("</button></div>")
            }
        }
    }

    /// The page of the `List-Unsubscribe` URL opened in a browser: the button (posting the same
    /// one-click body a mail client sends) and the way to manage instead.
    static func unsubscribe(
        token: String, manageToken: String, csrf: String, settings: WebSettings, words: Words
    ) -> String {
        let path = "/unsubscribe/" + token
        return Layout.page(title: words.unsubscribeHeading, words: words, prefix: settings.pathPrefix, path: path) {
            html in
            html.raw("<h1>")
            html.text(words.unsubscribeHeading)
            html.raw("</h1><p>")
            html.text(words.unsubscribeText)
            html.raw("</p>")
            Layout.form(action: settings.pathPrefix + path, csrf: csrf, language: words.language, html: &html) { html in
                html.raw("<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">")
                html.raw("<div class=\"actions\"><button type=\"submit\">")
                html.text(words.unsubscribeButton)
                html.raw("</button></div>")
            }
            html.raw("<p>")
            html.text(words.unsubscribeInstead)
            html.raw("</p>")
            manageLink(token: manageToken, settings: settings, words: words, html: &html)
        }
    }

    static func unsubscribed(
        again: Bool, undoToken: String?, csrf: String, settings: WebSettings, words: Words, path: String
    ) -> String {
        Layout.message(
            heading: words.unsubscribedHeading,
            paragraphs: [again ? words.alreadyUnsubscribedText : words.unsubscribedText],
            words: words, prefix: settings.pathPrefix, path: path
        ) { html in
            guard let undoToken else { return }
            html.raw("<p>")
            html.text(words.undoText)
            html.raw("</p>")
            Layout.form(
                action: settings.pathPrefix + "/undo/" + undoToken, csrf: csrf, language: words.language, html: &html
            ) { html in
                html.raw("<div class=\"actions\"><button type=\"submit\" class=\"secondary\">")
                html.text(words.undoButton)
                html.raw("</button></div>")
            }
        }
    }
}

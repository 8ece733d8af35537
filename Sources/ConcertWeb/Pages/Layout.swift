/// The frame of every page: language, title, the stylesheet, a skip link, the site name and the
/// link to the other language.
enum Layout {
    /// - Parameters:
    ///   - title: what names this page before the site's name; nil for the front page, titled by the
    ///     site's name alone.
    ///   - path: the path of this page without the prefix (`/manage/TOKEN`), for the language link.
    static func page(
        title: String?, words: Words, prefix: String, path: String, body: (inout HTML) -> Void
    ) -> String {
        let language = words.language
        let other: WebLanguage = language == .ko ? .en : .ko
        var html = HTML()
        html.raw("<!doctype html>\n<html lang=\"\(language.rawValue)\"><head><meta charset=\"utf-8\">")
        html.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        html.raw("<meta name=\"referrer\" content=\"no-referrer\"><title>")
        if let title {
            html.text(title)
            html.raw(" · ")
        }
        html.text(words.siteName)
        html.raw("</title><link rel=\"stylesheet\" href=\"")
        html.text(prefix)
        html.raw("/style.css\"></head><body><a class=\"skip\" href=\"#main\">")
        html.text(words.skipToContent)
        html.raw("</a><header><a class=\"site\" href=\"")
        html.text(prefix + "/?lang=" + language.rawValue)
        html.raw("\">")
        html.text(words.siteName)
        html.raw("</a><a href=\"")
        html.text(prefix + path + "?lang=" + other.rawValue)
        html.raw("\" lang=\"\(other.rawValue)\" hreflang=\"\(other.rawValue)\">")
        html.text(words.otherLanguageName)
        html.raw("</a></header><main id=\"main\">")
        body(&html)
        html.raw("</main><footer><p>")
        html.text(words.footer)
        html.raw("</p></footer></body></html>\n")
        return html.text
    }

    /// A page of a heading and paragraphs, with a link back to the start.
    static func message(
        heading: String, paragraphs: [String], words: Words, prefix: String, path: String,
        extra: (inout HTML) -> Void = { _ in }
    ) -> String {
        page(title: heading, words: words, prefix: prefix, path: path) { html in
            html.raw("<h1>")
            html.text(heading)
            html.raw("</h1>")
            for paragraph in paragraphs {
                html.raw("<p>")
                html.text(paragraph)
                html.raw("</p>")
            }
            extra(&html)
            html.raw("<p><a href=\"")
            html.text(prefix + "/?lang=" + words.language.rawValue)
            html.raw("\">")
            html.text(words.backToFront)
            html.raw("</a></p>")
        }
    }

    /// A form posting to `action` (the page's language in its query) with its CSRF token.
    static func form(
        action: String, csrf: String, language: WebLanguage, html: inout HTML, fields: (inout HTML) -> Void
    ) {
        html.raw("<form method=\"post\" action=\"")
        html.text(action + "?lang=" + language.rawValue)
        html.raw("\"><input type=\"hidden\" name=\"csrf\" value=\"")
        html.text(csrf)
        html.raw("\">")
        fields(&html)
        html.raw("</form>")
    }
}

import Foundation
import Hummingbird

extension WebFrontDoor {
    func frontPage(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let words = words(request)
        let moment = now()
        let cached: FrontPageCache.Page
        switch frontPages.lookup(language: words.language, now: moment) {
        case .serve(let page):
            cached = page
        case .render:
            do {
                let cities = try await store.cityListings(now: moment)
                let html = FrontPage.render(
                    cities: cities,
                    form: SubscribeFormState(defaultOffsets: settings.defaultOffsets, language: words.language),
                    settings: settings, csrf: FrontPageCache.csrfMark, words: words)
                cached = frontPages.keep(html, language: words.language, now: moment)
            } catch {
                frontPages.abandon(language: words.language)
                throw error
            }
        }
        let (token, setCookie) = try await csrfToken(for: request)
        var response = page(body: cached.body(token: token), setCookie: setCookie)
        response.headers[.contentLanguage] = words.language.rawValue
        return response
    }

    func checkInbox(_ request: Request) -> Response {
        let words = words(request)
        let channel = request.uri.queryParameters["to"] == "channel"
        return page(
            Layout.message(
                heading: channel ? words.channelHeading : words.inboxHeading,
                paragraphs: [channel ? words.channelText : words.inboxText], words: words,
                prefix: settings.pathPrefix, path: "/check-inbox"))
    }
}

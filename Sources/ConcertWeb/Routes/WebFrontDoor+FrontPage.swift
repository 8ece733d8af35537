import Foundation
import Hummingbird

extension WebFrontDoor {
    func frontPage(_ request: Request, _ context: WebRequestContext) async throws -> Response {
        let words = words(request)
        let moment = now()
        let halves: [String]
        if let cached = frontPages.page(language: words.language, now: moment) {
            halves = cached
        } else {
            let cities = try await store.cityListings(now: moment)
            let html = FrontPage.render(
                cities: cities,
                form: SubscribeFormState(defaultOffsets: settings.defaultOffsets, language: words.language),
                settings: settings, csrf: FrontPageCache.csrfMark, words: words)
            halves = frontPages.keep(html, language: words.language, now: moment)
        }
        let (token, setCookie) = try await csrfToken(for: request)
        var response = page(halves.joined(separator: token), setCookie: setCookie)
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

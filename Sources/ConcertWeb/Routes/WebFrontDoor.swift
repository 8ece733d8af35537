import ConcertCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The web front door: its routes over a `WebStore`, with the settings of `concertd.conf`.
///
/// Pages work without JavaScript; every form carries a CSRF token; every token URL names a random
/// reference, never a sequential id. Each web action is one journal line at `notice` with the
/// address masked.
public struct WebFrontDoor: Sendable {
    let store: any WebStore
    let settings: WebSettings
    let keys: TokenKeyRing
    let now: @Sendable () -> Date
    let logger: Logger
    let frontPages: FrontPageCache

    /// - Parameters:
    ///   - now: the daemon's clock (shifted in tests).
    ///   - links: the email builder's links, given each signing key the front door reads.
    public init(
        store: any WebStore, settings: WebSettings, links: WebLinks? = nil, now: @escaping @Sendable () -> Date,
        logger: Logger
    ) {
        self.store = store
        self.settings = settings
        self.keys = TokenKeyRing(store: store, rotation: settings.tokenKeyRotation, links: links)
        self.now = now
        self.logger = logger
        self.frontPages = FrontPageCache()
    }

    /// The router of every page.
    public func router() -> Router<WebRequestContext> {
        let router = Router(context: WebRequestContext.self)
        router.middlewares.add(WebResponseMiddleware(frontDoor: self))
        router.get("/") { request, context in try await frontPage(request, context) }
        router.head("/") { request, context in try await frontPage(request, context) }
        router.get("/style.css") { _, _ in stylesheet() }
        router.post("/subscribe") { request, context in try await subscribe(request, context) }
        router.get("/check-inbox") { request, _ in checkInbox(request) }
        router.get("/confirm/:token") { request, context in try await showConfirm(request, context) }
        router.post("/confirm/:token") { request, context in try await confirm(request, context) }
        router.get("/manage/:token") { request, context in try await showManage(request, context) }
        router.post("/manage/:token") { request, context in try await manage(request, context) }
        router.get("/unsubscribe/:token") { request, context in try await showUnsubscribe(request, context) }
        router.post("/unsubscribe/:token") { request, context in try await unsubscribe(request, context) }
        router.post("/undo/:token") { request, context in try await undo(request, context) }
        return router
    }

    /// The words of a page: in the language `?lang=` names, else in `subscription`'s (token pages),
    /// else in the browser's.
    func words(_ request: Request, subscription: WebLanguage? = nil) -> Words {
        Words(
            language: WebLanguage.preferred(
                query: request.uri.queryParameters["lang"], subscription: subscription,
                acceptLanguage: request.headers[.acceptLanguage]))
    }

    func client(_ request: Request, _ context: WebRequestContext) -> ClientAddress {
        ClientAddress.resolve(
            peer: context.peer, forwardedFor: request.headers[values: .xForwardedFor],
            isTrustedProxy: settings.isTrustedProxy)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}

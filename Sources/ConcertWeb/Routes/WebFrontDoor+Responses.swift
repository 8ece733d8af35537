import Foundation
import HTTPTypes
import Hummingbird

/// A refusal that becomes a page: what handlers throw.
struct PageError: Error {
    enum Kind {
        case badRequest, csrf, foreign, tooLarge, linkInvalid, linkExpired, notFound, methodNotAllowed, serverError,
            tooMany
        /// A form for a channel this front door does not offer (a forged POST): nothing is kept or sent.
        case webhooksOff, emailOff
    }

    var kind: Kind
    var retryAfter: Duration?
    /// The language of the subscription the page is about, when known: the page comes in it unless
    /// `?lang=` names one.
    var language: WebLanguage?

    static let badRequest = PageError(kind: .badRequest)
    static let csrf = PageError(kind: .csrf)
    /// A form a browser says another site's page posted.
    static let foreign = PageError(kind: .foreign)
    static let tooLarge = PageError(kind: .tooLarge)
    static let linkInvalid = PageError(kind: .linkInvalid)
    static let linkExpired = PageError(kind: .linkExpired)
    static let notFound = PageError(kind: .notFound)
    static let methodNotAllowed = PageError(kind: .methodNotAllowed)
    static let serverError = PageError(kind: .serverError)
    static let webhooksOff = PageError(kind: .webhooksOff)
    static let emailOff = PageError(kind: .emailOff)

    static func tooMany(retryAfter: Duration) -> PageError {
        PageError(kind: .tooMany, retryAfter: retryAfter)
    }

    var status: HTTPResponse.Status {
        switch kind {
        case .badRequest: .badRequest
        case .csrf, .foreign: .forbidden
        case .tooLarge: .contentTooLarge
        case .linkInvalid, .notFound: .notFound
        case .linkExpired: .gone
        case .methodNotAllowed: .methodNotAllowed
        case .serverError: .internalServerError
        case .tooMany: .tooManyRequests
        case .webhooksOff, .emailOff: .forbidden
        }
    }

    /// The page's heading and paragraphs.
    func texts(_ words: Words) -> (heading: String, paragraphs: [String]) {
        switch kind {
        case .badRequest: (words.badRequestHeading, [words.badRequestText])
        case .csrf: (words.csrfHeading, [words.csrfText])
        case .foreign: (words.foreignHeading, [words.foreignText])
        case .tooLarge: (words.tooLargeHeading, [words.tooLargeText])
        case .linkInvalid: (words.linkInvalidHeading, [words.linkInvalidText])
        case .linkExpired: (words.linkExpiredHeading, [words.linkExpiredText])
        case .notFound: (words.notFoundHeading, [words.notFoundText])
        case .methodNotAllowed: (words.methodHeading, [])
        case .serverError: (words.serverErrorHeading, [words.serverErrorText])
        case .webhooksOff: (words.webhooksOffHeading, [words.webhooksOffText])
        case .emailOff: (words.emailOffHeading, [words.emailOff])
        case .tooMany:
            (
                words.tooManyHeading,
                [words.tooManyText(minutes: max(1, Int(((retryAfter?.components.seconds ?? 60) + 59) / 60)))]
            )
        }
    }
}

extension WebFrontDoor {
    /// An HTML page with the headers every page carries.
    func page(_ html: String, status: HTTPResponse.Status = .ok, setCookie: String? = nil) -> Response {
        page(body: ByteBuffer(string: html), status: status, setCookie: setCookie)
    }

    /// An HTML page from its bytes.
    func page(body: ByteBuffer, status: HTTPResponse.Status = .ok, setCookie: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        if let setCookie { headers[.setCookie] = setCookie }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    /// 303 to `path` (after the prefix): a POST answered with a page to GET, so reloading repeats nothing.
    func redirect(to path: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = settings.pathPrefix + path
        headers[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: headers)
    }

    func errorPage(_ error: PageError, request: Request) -> Response {
        let words = words(request, subscription: error.language)
        let (heading, paragraphs) = error.texts(words)
        let html = Layout.message(
            heading: heading, paragraphs: paragraphs, words: words,
            prefix: settings.pathPrefix, path: "/")
        var response = page(html, status: error.status)
        if let retryAfter = error.retryAfter {
            response.headers[.retryAfter] = String(max(1, retryAfter.components.seconds))
        }
        if error.status == .methodNotAllowed {
            response.headers[.allow] = "GET, POST"
        }
        return response
    }

    func stylesheet() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/css; charset=utf-8"
        headers[.cacheControl] = "public, max-age=86400"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Stylesheet.css)))
    }

    /// The body of a POST, refused with 413 past `maxBodyBytes` (read no further than that).
    func body(of request: Request) async throws -> [UInt8] {
        let limit = settings.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            throw PageError.tooLarge
        }
        var bytes: [UInt8] = []
        for try await buffer in request.body {
            guard bytes.count + buffer.readableBytes <= limit else { throw PageError.tooLarge }
            bytes += buffer.readableBytesView
        }
        return bytes
    }

    /// The fields of a form POST; 400 when it is not a well-formed urlencoded form.
    func formFields(of request: Request) async throws -> FormFields {
        let bytes = try await body(of: request)
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else { throw PageError.badRequest }
        do {
            return try FormFields.parse(bytes)
        } catch {
            throw PageError.badRequest
        }
    }
}

/// Adds the security headers to every response and turns refusals and unknown routes into pages.
struct WebResponseMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let frontDoor: WebFrontDoor

    /// No script at all, styles and images from this origin only, forms posting only here, never in a frame.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as PageError {
            response = frontDoor.errorPage(error, request: request)
        } catch let error as HTTPError where error.status == .notFound {
            response = frontDoor.errorPage(.notFound, request: request)
        } catch let error as HTTPError where error.status == .methodNotAllowed {
            response = frontDoor.errorPage(.methodNotAllowed, request: request)
        } catch {
            context.logger.error("web request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            response = frontDoor.errorPage(.serverError, request: request)
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.xFrameOptions] = "DENY"
        if response.headers[.contentType]?.hasPrefix("text/html") == true {
            response.headers[.vary] = "Accept-Language, Cookie"
        }
        return response
    }
}

extension HTTPField.Name {
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}

import ConcertCore
import Foundation
import HTTPTypes
import Hummingbird

extension WebFrontDoor {
    /// The CSRF token for a page's forms, and the cookie to set when the browser holds none.
    func csrfToken(for request: Request) async throws -> (token: String, setCookie: String?) {
        let key = try await keys.signingKey(now: now())
        if let cookie = request.cookies[CSRFGuard.cookieName]?.value, CSRFGuard.isWellFormedCookie(cookie) {
            return (CSRFGuard.formToken(cookie: cookie, key: key), nil)
        }
        let cookie = CSRFGuard.newCookieValue()
        var setCookie =
            "\(CSRFGuard.cookieName)=\(cookie); Path=\(settings.pathPrefix.isEmpty ? "/" : settings.pathPrefix); HttpOnly; SameSite=Strict"
        if settings.isHTTPS { setCookie += "; Secure" }
        return (CSRFGuard.formToken(cookie: cookie, key: key), setCookie)
    }

    /// Refuses (403) a form whose CSRF token is not the MAC of the request's cookie, or (with a page
    /// saying so) that a browser says comes from a page of another origin.
    ///
    /// The token (a signed double-submit cookie) is the defence; the headers only refuse what a
    /// browser marks as foreign. Every page is served with `Referrer-Policy: no-referrer`, so a
    /// browser posts our own forms with `Origin: null`: that is taken when `Sec-Fetch-Site` says
    /// `same-origin`, or when the browser sends no Fetch Metadata at all (older browsers), and
    /// refused with any other `Sec-Fetch-Site`. An `Origin` naming an origin must be ours, and a
    /// `Sec-Fetch-Site` other than `same-origin` is refused whatever the `Origin`.
    func checkCSRF(_ request: Request, fields: FormFields) async throws {
        if let site = request.headers[.secFetchSite], site != "same-origin" {
            throw PageError.foreign
        }
        if let origin = request.headers[.origin], origin != "null", origin != settings.origin {
            throw PageError.foreign
        }
        guard let token = try? fields.single(CSRFGuard.fieldName), let id = CSRFGuard.keyID(of: token),
            let cookie = request.cookies[CSRFGuard.cookieName]?.value,
            let key = try await keys.key(id: id, now: now()),
            CSRFGuard.verify(formToken: token, cookie: cookie, key: key)
        else { throw PageError.csrf }
    }

    /// The reference a token in the path names for `purpose`; a page saying the link does not work otherwise.
    func reference(_ context: WebRequestContext, for purpose: TokenPurpose) async throws -> (WebReference, String) {
        guard let token = context.parameters.get("token"), let id = WebToken.keyID(of: token),
            let key = try await keys.key(id: id, now: now())
        else { throw PageError.linkInvalid }
        switch WebToken.verify(token, for: purpose, key: { $0 == key.id ? key : nil }) {
        case .success(let id):
            guard let reference = WebReference(id: id) else { throw PageError.linkInvalid }
            return (reference, token)
        case .failure: throw PageError.linkInvalid
        }
    }

    func sign(_ reference: WebReference, for purpose: TokenPurpose) async throws -> String {
        reference.token(for: purpose, with: try await keys.signingKey(now: now()))
    }

    /// The public URL of a token link.
    func link(_ purpose: TokenPurpose, token: String) -> String {
        switch purpose {
        case .confirm: settings.baseURL + "/confirm/" + token
        case .manage: settings.baseURL + "/manage/" + token
        case .unsubscribe: settings.baseURL + "/unsubscribe/" + token
        case .undo: settings.baseURL + "/undo/" + token
        }
    }
}

extension HTTPField.Name {
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
}

import ConcertCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization
import Testing

@testable import ConcertWeb

/// The front door's router driven in-process, with a browser's cookie jar and a clock the test moves.
final class WebHarness: Sendable {
    struct Reply {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String

        /// The value of the hidden `csrf` field of the page's first form.
        var csrf: String? { capture(#"name="csrf" value="([^"]+)""#) }

        /// The first href or form action starting with `prefix` (`/confirm/`).
        func link(startingWith prefix: String) -> String? {
            capture("(?:href|action)=\"(" + NSRegularExpression.escapedPattern(for: prefix) + "[^\"?]*)")
        }

        func capture(_ pattern: String) -> String? {
            let regex = try! NSRegularExpression(pattern: pattern)
            guard let match = regex.firstMatch(in: body, range: NSRange(body.startIndex..., in: body)),
                let range = Range(match.range(at: 1), in: body)
            else { return nil }
            return String(body[range])
        }
    }

    let store: InMemoryWebStore
    let settings: WebSettings
    let frontDoor: WebFrontDoor
    private let responder: RouterResponder<WebRequestContext>
    private let clock: TestClock
    private let cookie = Mutex<String?>(nil)

    init(
        store: InMemoryWebStore = InMemoryWebStore(),
        settings: WebSettings = WebSettings(baseURL: "https://concerts.example.org"),
        start: Date = Date(timeIntervalSince1970: 1_571_000_000),
        logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.store = store
        self.settings = settings
        let clock = TestClock(start)
        self.clock = clock
        frontDoor = WebFrontDoor(
            store: store, settings: settings, now: { clock.now }, logger: logger)
        responder = frontDoor.router().buildResponder()
    }

    var now: Date { clock.now }

    func advance(_ duration: Duration) {
        clock.advance(duration)
    }

    func forgetCookies() {
        cookie.withLock { $0 = nil }
    }

    func get(_ path: String, headers: HTTPFields = [:], peer: String = "198.51.100.7") async throws -> Reply {
        try await send(.get, path, headers: headers, body: "", peer: peer)
    }

    /// A form POST as a browser sends it, with the cookie it holds.
    func post(
        _ path: String, form: [(String, String)], headers: HTTPFields = [:], peer: String = "198.51.100.7"
    ) async throws -> Reply {
        var headers = headers
        if headers[.contentType] == nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        return try await send(.post, path, headers: headers, body: Self.encode(form), peer: peer)
    }

    func send(
        _ method: HTTPRequest.Method, _ path: String, headers: HTTPFields = [:], body: String,
        peer: String = "198.51.100.7"
    ) async throws -> Reply {
        var fields = headers
        if let held = cookie.withLock({ $0 }), fields[.cookie] == nil {
            fields[.cookie] = "\(CSRFGuard.cookieName)=\(held)"
        }
        let head = HTTPRequest(
            method: method, scheme: "http", authority: "concerts.example.org", path: path, headerFields: fields)
        let request = Request(head: head, body: RequestBody(buffer: ByteBuffer(string: body)))
        let context = WebRequestContext(
            peer: peer, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let response = try await responder.respond(to: request, context: context)
        let collected = try await Self.collect(response)
        if let set = collected.headers[.setCookie],
            let value = set.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last
        {
            cookie.withLock { $0 = String(value) }
        }
        return collected
    }

    static func encode(_ form: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return form.map { name, value in
            (name.addingPercentEncoding(withAllowedCharacters: allowed) ?? name) + "="
                + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
        }.joined(separator: "&")
    }

    private static func collect(_ response: Response) async throws -> Reply {
        let writer = CollectingWriter()
        try await response.body.write(writer)
        return Reply(status: response.status, headers: response.headers, body: writer.text)
    }
}

/// Collects a response body's bytes.
final class CollectingWriter: ResponseBodyWriter, @unchecked Sendable {
    var bytes: [UInt8] = []
    var text: String { String(decoding: bytes, as: UTF8.self) }

    func write(_ buffer: ByteBuffer) async throws {
        bytes += buffer.readableBytesView
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

/// A clock that moves only when the test says.
final class TestClock: Sendable {
    private let moment: Mutex<Date>

    init(_ start: Date) {
        moment = Mutex(start)
    }

    var now: Date { moment.withLock { $0 } }

    func advance(_ duration: Duration) {
        moment.withLock { $0 = $0 + duration }
    }
}

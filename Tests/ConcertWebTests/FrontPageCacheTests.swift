import Foundation
import Hummingbird
import Testing

@testable import ConcertWeb

/// The front page's cache: one rendering a second per language, and no request waiting on the
/// store while a page is there to serve.
@Suite struct FrontPageCacheTests {
    let start = Date(timeIntervalSince1970: 1_571_000_000)

    func text(_ page: FrontPageCache.Page, token: String) -> String {
        let body = page.body(token: token)
        return body.getString(at: body.readerIndex, length: body.readableBytes) ?? ""
    }

    @Test func whileOneRequestRendersAStalePageTheOthersAreServedTheOldOne() throws {
        let cache = FrontPageCache()
        guard case .render = cache.lookup(language: .ko, now: start) else {
            Issue.record("an empty cache serves nothing")
            return
        }
        _ = cache.keep("old \(FrontPageCache.csrfMark) page", language: .ko, now: start)
        let later = start.addingTimeInterval(1)
        guard case .render = cache.lookup(language: .ko, now: later) else {
            Issue.record("the first request to see a stale page renders it")
            return
        }
        guard case .serve(let stale) = cache.lookup(language: .ko, now: later) else {
            Issue.record("a second request waits for the rendering")
            return
        }
        #expect(text(stale, token: "T") == "old T page")
        guard case .render = cache.lookup(language: .en, now: later) else {
            Issue.record("each language has its own page")
            return
        }
        let fresh = cache.keep("new \(FrontPageCache.csrfMark) page", language: .ko, now: later)
        #expect(text(fresh, token: "U") == "new U page")
        guard case .serve(let kept) = cache.lookup(language: .ko, now: later.addingTimeInterval(0.5)) else {
            Issue.record("a fresh page is served")
            return
        }
        #expect(text(kept, token: "V") == "new V page")
    }

    @Test func aFailedRenderingLetsTheNextRequestTryAgain() {
        let cache = FrontPageCache()
        _ = cache.keep("old", language: .en, now: start)
        let later = start.addingTimeInterval(2)
        guard case .render = cache.lookup(language: .en, now: later) else {
            Issue.record("a stale page is rendered again")
            return
        }
        cache.abandon(language: .en)
        guard case .render = cache.lookup(language: .en, now: later) else {
            Issue.record("after a failed rendering the next request renders, not the stale page for ever")
            return
        }
    }

    @Test func aClockThatWentBackRendersAgain() {
        let cache = FrontPageCache()
        _ = cache.lookup(language: .ko, now: start)
        _ = cache.keep("page", language: .ko, now: start)
        guard case .render = cache.lookup(language: .ko, now: start.addingTimeInterval(-5)) else {
            Issue.record("a page from the future is stale")
            return
        }
    }

    @Test func everyPlaceOfTheTokenGetsItAndTheBytesAreTheText() {
        let cache = FrontPageCache()
        let mark = FrontPageCache.csrfMark
        let page = cache.keep("부산 \(mark) a \(mark) 끝", language: .ko, now: start)
        #expect(text(page, token: "tok") == "부산 tok a tok 끝")
        #expect(page.body(token: "tok").readableBytes == "부산 tok a tok 끝".utf8.count)
    }
}

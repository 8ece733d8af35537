import ConcertCore
import Foundation
import Testing

@testable import ConcertWeb

@Suite(.timeLimit(.minutes(1)))
struct WebTokenTests {
    let key = TokenKey.generate(now: Date(timeIntervalSince1970: 0))

    @Test func aTokenNamesItsReferenceForItsPurposeOnly() {
        let reference = WebReference.generate()
        let token = reference.token(for: .unsubscribe, with: key)
        #expect(token.count == WebToken.textLength)
        #expect(token.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect(WebToken.verify(token, for: .unsubscribe, key: { _ in key }) == .success(reference.id))
        #expect(WebToken.verify(token, for: .manage, key: { _ in key }) == .failure(.wrongPurpose))
        #expect(WebToken.verify(token, for: .unsubscribe, key: { _ in nil }) == .failure(.unknownKey))
        #expect(
            WebToken.verify(token, for: .unsubscribe, key: { _ in .generate(now: .now) }) == .failure(.badSignature))
    }

    @Test func changingAnyCharacterOfATokenBreaksIt() {
        let token = Array(WebReference.generate().token(for: .manage, with: key))
        for index in token.indices {
            var altered = token
            altered[index] = altered[index] == "x" ? "y" : "x"
            if case .success = WebToken.verify(String(altered), for: .manage, key: { _ in key }) {
                Issue.record("a token altered at \(index) still verified")
            }
        }
    }

    @Test func linksSignedBeforeARotationKeepWorkingForTheGracePeriodOnly() async throws {
        let rotation = TokenKeyRotation(signFor: .seconds(100), verifyFor: .seconds(50))
        let store = InMemoryWebStore()
        let web = WebHarness(
            store: store, settings: WebSettings(baseURL: "https://concerts.example.org", tokenKeyRotation: rotation))
        let reference = await store.addSubscription(
            .email("kim@example.org"), settings: SubscriptionSettings(cities: ["busan"], offsets: ["1d"], language: .ko)
        )
        let first = try await web.frontDoor.keys.signingKey(now: web.now)
        let old = reference.token(for: .manage, with: first)
        web.advance(.seconds(120))
        let second = try await web.frontDoor.keys.signingKey(now: web.now)
        #expect(second.id != first.id)
        #expect(try await web.get("/manage/" + old).status == .ok)
        web.advance(.seconds(40))
        #expect(try await web.get("/manage/" + old).status == .notFound)
        #expect(try await web.get("/manage/" + reference.token(for: .manage, with: second)).status == .ok)
    }

    @Test func forgedKeyIdsDoNotMakeEveryRequestReadTheStore() async throws {
        let store = InMemoryWebStore()
        let web = WebHarness(store: store)
        _ = try await web.get("/")
        let reads = await store.tokenKeyReads
        for _ in 0..<50 {
            _ = try await web.get(
                "/manage/" + WebReference.generate().token(for: .manage, with: .generate(now: web.now)))
        }
        #expect(await store.tokenKeyReads <= reads + 1)
    }

    @Test func base64URLRoundTripsAndRefusesOtherSpellings() {
        for count in 0..<40 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        #expect(Base64URL.decode("a") == nil)
        #expect(Base64URL.decode("ab+/") == nil)
        #expect(Base64URL.decode("AA") == [0])
        #expect(Base64URL.decode("AB") == nil)
        #expect(Base64URL.decode("AF") == nil)
    }

    @Test func theDateHeaderIsTheIMFFixdate() {
        #expect(HTTPDate.format(second: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(second: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(second: 1_582_934_400) == "Sat, 29 Feb 2020 00:00:00 GMT")
    }

    @Test func acceptLanguageIsReadWithItsQualities() {
        #expect(WebLanguage.preferred(query: nil, acceptLanguage: "en-US,en;q=0.9,ko;q=0.8") == .en)
        #expect(WebLanguage.preferred(query: nil, acceptLanguage: "ko-KR,ko;q=0.9,en;q=0.8") == .ko)
        #expect(WebLanguage.preferred(query: nil, acceptLanguage: "en;q=0, ko;q=0.1") == .ko)
        #expect(WebLanguage.preferred(query: nil, acceptLanguage: "*") == .ko)
        #expect(WebLanguage.preferred(query: "en", acceptLanguage: "ko") == .en)
        #expect(WebLanguage.preferred(query: "xx", acceptLanguage: "en") == .en)
    }
}

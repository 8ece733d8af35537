import Foundation
import Testing

@testable import ConcertCore

/// The libcurl engine against a real HTTP receiver on 127.0.0.1.
@Suite struct CurlTransportTests {
    @Test(.timeLimit(.minutes(1)))
    func headersAndBodyArriveAsGiven() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let body = Data([0x7B, 0x00, 0xFF, 0x0A] + Array("{\"text\":\"공연 알림\"}".utf8))
        let request = HTTPRequest(
            url: receiver.url("/status/204/T000/secret"),
            headers: [("Content-Type", "application/json"), ("webhook-id", "msg_1"), ("X-Empty", "")], body: body)
        let result = await transport.post(request)

        #expect(result.failure == nil)
        #expect(result.responseCode == 204)
        let received = try receiver.requests()
        try #require(received.count == 1)
        #expect(received[0].method == "POST")
        #expect(received[0].path == "/status/204/T000/secret")
        #expect(received[0].body == body)
        #expect(received[0].headers(named: "Content-Type") == ["application/json"])
        #expect(received[0].headers(named: "webhook-id") == ["msg_1"])
        #expect(received[0].headers(named: "X-Empty") == [""])
        #expect(received[0].headers(named: "User-Agent") == ["concertd/0.1"])
        #expect(received[0].headers(named: "Content-Length") == ["\(body.count)"])
        #expect(received[0].headers(named: "Expect").isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func aLargeBodyIsSentWithoutWaitingForContinue() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let body = Data(repeating: UInt8(ascii: "a"), count: 200_000)
        let result = await transport.post(HTTPRequest(url: receiver.url("/"), headers: [], body: body))

        #expect(result.failure == nil)
        #expect(try receiver.requests().first?.body == body)
    }

    @Test(.timeLimit(.minutes(1)))
    func retryAfterIsCaptured() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let result = await transport.post(HTTPRequest(url: receiver.url("/retry-after/2"), headers: [], body: Data()))

        #expect(result.responseCode == 429)
        #expect(result.retryAfter == "2")
        #expect(result.body == Data("slow down".utf8))
    }

    @Test(.timeLimit(.minutes(1)))
    func onlyTheStartOfALongResponseBodyIsKept() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let transport = try CurlTransport(configuration: .init(responseBodyLimit: 1000, responseAbortLimit: 50_000))
        defer { transport.stop() }

        let kept = await transport.post(HTTPRequest(url: receiver.url("/big/20000"), headers: [], body: Data()))
        #expect(kept.failure == nil)
        #expect(kept.body.count == 1000)
        #expect(kept.bodyLength == 20000)

        let cut = await transport.post(HTTPRequest(url: receiver.url("/big/5000000"), headers: [], body: Data()))
        #expect(cut.failure == .responseTooLarge)
        #expect(cut.responseCode == 200)
        #expect(cut.body.count == 1000)
        #expect(cut.bodyLength <= 50_000 + 65536)
        #expect(HTTPVerdict.verdict(of: cut, now: Date()) == .sent(detail: "HTTP 200"))
    }

    @Test(.timeLimit(.minutes(1)))
    func theTotalTimeoutEndsAHangingTransfer() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        // Timed in the completion, which runs on the transport's queue: an await may resume late when
        // parallel tests keep the cooperative threads busy.
        let started = ContinuousClock.now
        let finished = LockedBox<ContinuousClock.Instant?>(nil)
        let result = await withCheckedContinuation { continuation in
            transport.post(
                HTTPRequest(url: receiver.url("/hang/10"), headers: [], body: Data()),
                timeouts: TransferTimeouts(connect: .seconds(2), total: .milliseconds(300))
            ) { result in
                finished.set(.now)
                continuation.resume(returning: result)
            }
        }

        #expect(result.failure == .timedOut)
        let elapsed = try #require(finished.get()) - started
        #expect(elapsed > .milliseconds(250) && elapsed < .seconds(3), "\(elapsed)")
    }

    @Test(.timeLimit(.minutes(1)))
    func aClosedPortIsARefusedConnection() async throws {
        let closed = try ClosedPort()
        defer { closed.release() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let result = await transport.post(
            HTTPRequest(url: "http://127.0.0.1:\(closed.port)/hook/secret-token", headers: [], body: Data()))

        #expect(result.failure == .couldNotConnect)
    }

    @Test(.timeLimit(.minutes(1)), arguments: ["file:///etc/passwd", "gopher://127.0.0.1:70/1", "ftp://127.0.0.1/x"])
    func onlyHTTPAndHTTPSAreSpoken(url: String) async throws {
        let transport = try CurlTransport()
        defer { transport.stop() }

        let result = await transport.post(HTTPRequest(url: url, headers: [], body: Data()))

        #expect(result.failure == .refusedURL)
        #expect(result.responseCode == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func aHeaderWithALineBreakIsNotSent() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let result = await transport.post(
            HTTPRequest(url: receiver.url("/"), headers: [("X-Evil", "a\r\nX-Injected: 1")], body: Data()))

        #expect(result.failure == .invalidRequest)
        #expect(try receiver.requests().isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func httpsIsVerifiedAgainstTheConfiguredAuthorities() async throws {
        let certificate = try await SelfSignedCertificate()
        defer { certificate.remove() }
        let receiver = try await HTTPReceiver(tls: (certificate.certificatePath, certificate.keyPath))
        defer { receiver.stop() }

        let untrusting = try CurlTransport()
        defer { untrusting.stop() }
        let refused = await untrusting.post(HTTPRequest(url: receiver.url("/"), headers: [], body: Data()))
        #expect(refused.failure == .tls)

        let trusting = try CurlTransport(configuration: .init(caBundlePath: certificate.certificatePath))
        defer { trusting.stop() }
        let accepted = await trusting.post(HTTPRequest(url: receiver.url("/"), headers: [], body: Data()))
        #expect(accepted.failure == nil)
        #expect(accepted.responseCode == 204)
    }

    @Test(.timeLimit(.minutes(1)))
    func sequentialPostsReuseOneConnection() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        for index in 0..<20 {
            let result = await transport.post(HTTPRequest(url: receiver.url("/n/\(index)"), headers: [], body: Data()))
            #expect(result.failure == nil)
        }

        let received = try receiver.requests()
        #expect(received.count == 20)
        #expect(Set(received.map(\.clientPort)).count == 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func manyConcurrentTransfersCompleteExactlyOnceOverFewerConnections() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }
        let count = 300
        let calls = LockedBox([Int](repeating: 0, count: count))
        let statuses = LockedBox([Int](repeating: 0, count: count))

        // Submitted from many threads at once, in waves of 30 so that connections are reused.
        for wave in stride(from: 0, to: count, by: 30) {
            DispatchQueue.concurrentPerform(iterations: 30) { offset in
                let index = wave + offset
                transport.post(HTTPRequest(url: receiver.url("/n/\(index)"), headers: [], body: Data("\(index)".utf8)))
                {
                    result in
                    calls.update { $0[index] += 1 }
                    statuses.update { $0[index] = result.responseCode }
                }
            }
            let deadline = ContinuousClock.now + .seconds(20)
            while calls.get().reduce(0, +) < wave + 30, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        transport.stop()  // waits for every completion, so a second call would show below

        #expect(calls.get() == [Int](repeating: 1, count: count))
        #expect(statuses.get() == [Int](repeating: 204, count: count))
        let received = try receiver.requests()
        #expect(received.count == count)
        #expect(Set(received.map(\.body)).count == count)
        let connections = Set(received.map(\.clientPort)).count
        #expect(connections < count / 2, "\(connections) connections for \(count) requests")
    }

    @Test(.timeLimit(.minutes(1)))
    func stopAbortsRunningTransfersWithinItsBoundAndCallsEveryCompletion() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let transport = try CurlTransport()
        let outcomes = LockedBox<[TransferResult]>([])

        for index in 0..<5 {
            transport.post(HTTPRequest(url: receiver.url("/hang/30/\(index)"), headers: [], body: Data())) { result in
                outcomes.update { $0.append(result) }
            }
        }
        _ = try await receiver.waitForRequests(5)
        let started = ContinuousClock.now
        transport.stop(timeout: .milliseconds(200))

        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(outcomes.get().count == 5)
        #expect(outcomes.get().allSatisfy { $0.failure == .stopped })

        let late = await transport.post(HTTPRequest(url: receiver.url("/"), headers: [], body: Data()))
        #expect(late.failure == .stopped)
        transport.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func stopLetsRunningTransfersFinishWithinItsBound() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let transport = try CurlTransport()
        let outcome = LockedBox<TransferResult?>(nil)

        transport.post(HTTPRequest(url: receiver.url("/hang/0.3"), headers: [], body: Data())) { outcome.set($0) }
        _ = try await receiver.waitForRequests(1)
        transport.stop(timeout: .seconds(10))

        #expect(outcome.get()?.responseCode == 204)
    }

    @Test(.timeLimit(.minutes(1)), arguments: [TransferFailure.invalidRequest, .destinationUnusable])
    func aBuildStepThatThrowsIsTheResultWithoutAConnection(failure: TransferFailure) async throws {
        let transport = try CurlTransport()
        defer { transport.stop() }

        let result = await withCheckedContinuation { continuation in
            transport.send(building: { () throws(TransferPreparationError) -> Transfer in
                guard failure == .destinationUnusable else { throw .invalidRequest("no request today") }
                throw .destinationUnusable("no request today")
            }) { continuation.resume(returning: $0) }
        }

        #expect(result.failure == failure)
        #expect(result.message == "no request today")
        // -1: the transfer never reached libcurl.
        #expect(result.curlCode == -1)
    }
}

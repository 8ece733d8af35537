import Foundation
import Glibc
import Testing

@testable import ConcertCore

/// `webhook_deny` enforced by real libcurl transfers: the address is checked after the host is
/// resolved and before any connection, so nothing reaches a denied receiver.
@Suite(.serialized, .timeLimit(.minutes(1))) struct WebhookDenyTests {
    static let loopback = try! AddressDenyList(parsing: "127.0.0.0/8, ::1/128")

    static func request(_ url: String) -> HTTPRequest {
        HTTPRequest(url: url, headers: [("Content-Type", "application/json")], body: Data("{}".utf8))
    }

    /// A format in place of `generic` (the sample's) that posts `{}`, unsigned.
    struct PlainFormat: WebhookFormat {
        var name: String { "generic" }

        func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
            WebhookDenyTests.request(input.url)
        }
    }

    /// The transport knows nothing of channels: it reports the denied address, and the webhook
    /// channel's verdict words it.
    @Test func aReceiverOnADeniedAddressIsNeverConnectedTo() async throws {
        let listener = try CountingListener()
        let transport = try CurlTransport()
        defer { transport.stop() }

        let result = await transport.post(Self.request("http://127.0.0.1:\(listener.port)/hook"), deny: Self.loopback)

        #expect(result.failure == .addressDenied)
        #expect(listener.connectionsSoFar() == 0)
        #expect(
            result.deniedAddress
                == DeniedAddress(
                    host: "127.0.0.1", address: IPAddress("127.0.0.1")!, network: try IPNetwork(parsing: "127.0.0.0/8"))
        )
        #expect(!result.message.contains("webhook"), "\(result.message)")
        #expect(
            HTTPVerdict.verdict(of: result, now: Date())
                == .permanent(
                    error: "the webhook host 127.0.0.1 is 127.0.0.1, in 127.0.0.0/8, which webhook_deny refuses"))
    }

    @Test func withNoneTheSameReceiverIsReached() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let denied = await transport.post(Self.request(receiver.url("/status/204")), deny: Self.loopback)
        let allowed = await transport.post(Self.request(receiver.url("/status/204")), deny: .none)
        let byDefault = await transport.post(Self.request(receiver.url("/status/204")))

        #expect(denied.failure == .addressDenied)
        #expect(allowed.failure == nil && allowed.responseCode == 204)
        #expect(byDefault.failure == nil && byDefault.responseCode == 204)
        #expect(try receiver.requests().count == 2)
    }

    /// `localhost` is a name: only its resolved addresses can be checked.
    @Test func aHostNameResolvingToADeniedAddressIsRefusedAfterResolution() async throws {
        let listener = try CountingListener()
        let transport = try CurlTransport()
        defer { transport.stop() }

        let result = await transport.post(Self.request("http://localhost:\(listener.port)/hook"), deny: Self.loopback)

        #expect(result.failure == .addressDenied)
        let verdict = HTTPVerdict.verdict(of: result, now: Date())
        guard case .permanent(let error) = verdict else {
            Issue.record("expected permanent, got \(verdict)")
            return
        }
        #expect(error.hasPrefix("the webhook host localhost resolved to "))
        #expect(error.contains("which webhook_deny refuses"))
        #expect(listener.connectionsSoFar() == 0)
    }

    @Test func anIPv4MappedAddressIsRefusedAsItsIPv4Address() async throws {
        let listener = try CountingListener()
        let transport = try CurlTransport()
        defer { transport.stop() }
        let ipv4Only = try AddressDenyList(parsing: "127.0.0.0/8")

        let result = await transport.post(
            Self.request("http://[::ffff:127.0.0.1]:\(listener.port)/hook"), deny: ipv4Only)

        #expect(result.failure == .addressDenied)
        #expect(result.deniedAddress?.network == (try IPNetwork(parsing: "127.0.0.0/8")))
        #expect("\(HTTPVerdict.verdict(of: result, now: Date()))".contains("::ffff:127.0.0.1, in 127.0.0.0/8"))
        #expect(listener.connectionsSoFar() == 0)
    }

    /// A connection kept open from an earlier send (before a reload added the network) is not used.
    @Test func aReusedConnectionToANowDeniedAddressCarriesNoRequest() async throws {
        let receiver = try await HTTPReceiver()
        defer { receiver.stop() }
        let transport = try CurlTransport()
        defer { transport.stop() }

        let first = await transport.post(Self.request(receiver.url("/status/204")), deny: .none)
        let second = await transport.post(Self.request(receiver.url("/status/204")), deny: Self.loopback)

        #expect(first.responseCode == 204)
        #expect(second.failure == .addressDenied)
        #expect(try receiver.requests().count == 1)
    }

    @Test func theWebhookChannelFailsSuchAMessageForGoodNamingTheAddress() async throws {
        let listener = try CountingListener()
        let transport = try CurlTransport()
        defer { transport.stop() }
        let channel = WebhookChannel(
            settings: WebhookSettings(deny: Self.loopback), renderer: MessageRenderer(), transport: transport,
            formats: [PlainFormat()])

        let outcome = await withCheckedContinuation { continuation in
            channel.send(.sample(url: "http://localhost:\(listener.port)/services/T0/B0/XSECRETX")) {
                continuation.resume(returning: $0)
            }
        }

        guard case .permanent(let error) = outcome else {
            Issue.record("expected permanent, got \(outcome)")
            return
        }
        #expect(error.hasPrefix("the webhook host localhost resolved to "))
        #expect(!error.contains("XSECRETX"))
        #expect(listener.connectionsSoFar() == 0)
    }
}

/// A TCP listener on 127.0.0.1 that only counts the connections made to it.
final class CountingListener {
    let fd: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard descriptor >= 0, bound == 0, listen(descriptor, 16) == 0 else {
            throw POSIXError(.EADDRNOTAVAIL)
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        fd = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(fd)
    }

    /// Accepts (and closes) every connection waiting; returns how many there were.
    func connectionsSoFar() -> Int {
        var count = 0
        while case let client = accept(fd, nil, nil), client >= 0 {
            close(client)
            count += 1
        }
        return count
    }
}

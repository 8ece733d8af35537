import Foundation

@testable import ConcertCore

extension CurlTransport {
    /// Sends one HTTP request and calls `completion` with what libcurl saw.
    func post(
        _ request: HTTPRequest, timeouts: TransferTimeouts = .webhook, deny: AddressDenyList = .linkLocal,
        completion: @escaping @Sendable (TransferResult) -> Void
    ) {
        send(building: { .http(request, timeouts: timeouts, deny: deny) }, completion: completion)
    }

    /// Sends one HTTP request and returns what libcurl saw.
    func post(
        _ request: HTTPRequest, timeouts: TransferTimeouts = .webhook, deny: AddressDenyList = .linkLocal
    ) async -> TransferResult {
        await withCheckedContinuation { continuation in
            post(request, timeouts: timeouts, deny: deny) { continuation.resume(returning: $0) }
        }
    }
}

extension Smarthost {
    /// Submits `message` (RFC 5322 bytes with CRLF line ends) to `recipients` through `transport`,
    /// as the email channel does once the message is built, and returns the verdict.
    func send(_ message: Data, to recipients: [String], using transport: CurlTransport) async -> Verdict {
        await withCheckedContinuation { continuation in
            transport.send(building: { .mail(transfer(of: message, to: recipients)) }) {
                continuation.resume(returning: verdict(of: $0))
            }
        }
    }
}

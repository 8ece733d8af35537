import ConcertCore
import Foundation
import NIOCore

/// Why the metrics listener could not start, saying which address and exactly why.
public struct MetricsServerError: Error, CustomStringConvertible, Sendable {
    public var address: ListenAddress
    public var reason: String
    /// Whether waiting may cure it: the address is in use (an old concertd still stopping, another
    /// program that may let it go). An address that is not this machine's, or a port that needs
    /// privileges, needs a person.
    public var isTemporary: Bool

    public init(address: ListenAddress, reason: String, isTemporary: Bool = false) {
        self.address = address
        self.reason = reason
        self.isTemporary = isTemporary
    }

    /// The error of a failed bind, in words an operator can act on.
    public init(address: ListenAddress, error: any Error) {
        if error is SocketAddressError {
            self.init(address: address, reason: "the host name '\(address.host)' does not resolve to an address")
            return
        }
        guard let error = error as? IOError else {
            self.init(address: address, reason: "\(error)")
            return
        }
        switch error.errnoCode {
        case EADDRINUSE:
            self.init(
                address: address, reason: "the address is already in use by another program (or another concertd)",
                isTemporary: true)
        case EADDRNOTAVAIL:
            self.init(address: address, reason: "the address is not one of this machine's")
        case EACCES:
            self.init(
                address: address,
                reason: "permission denied: ports below 1024 need privileges concertd does not have; use a higher port")
        default:
            self.init(address: address, reason: String(cString: strerror(error.errnoCode)))
        }
    }

    public var description: String { "metrics_listen: cannot listen on \(address): \(reason)" }
}

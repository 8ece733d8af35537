import Foundation
import Glibc

/// A TCP port on 127.0.0.1 that accepts connections (the kernel completes them) but never
/// answers: a webhook receiver that hangs.
final class HangingListener {
    let fd: Int32
    let port: UInt16

    init() throws {
        (fd, port) = try loopbackListeningSocket(backlog: 64)
    }

    deinit {
        close(fd)
    }
}

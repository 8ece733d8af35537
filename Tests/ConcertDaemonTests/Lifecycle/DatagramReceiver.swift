import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A real `SOCK_DGRAM` Unix socket standing in for systemd's notification socket.
///
/// Its address is built here independently of the code under test, so a wrong address length
/// in the notifier shows up as a message that never arrives.
final class DatagramReceiver {
    let fd: Int32
    /// The value of `NOTIFY_SOCKET` that reaches this socket.
    let notifySocket: String
    private let directory: String?

    /// A socket file in a new short temporary directory.
    convenience init() throws {
        var template = Array("/tmp/cnd-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw POSIXError(.EIO) }
        let directory = String(cString: created)
        try self.init(path: "\(directory)/notify", directory: directory)
    }

    /// A socket in the abstract namespace, named `@name`.
    convenience init(abstractName name: String) throws {
        try self.init(path: "@" + name, directory: nil)
    }

    private init(path: String, directory: String?) throws {
        self.directory = directory
        notifySocket = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)! + bytes.count + (abstract ? 0 : 1)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(length)) }
        }
        guard result == 0 else {
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }

    deinit {
        close(fd)
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// The next message, waiting at most `timeout` seconds; `nil` when none came.
    func receive(timeout: Int = 5) -> String? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) == 1 else { return nil }
        return pending()
    }

    /// A message already waiting, without waiting for one.
    func pending() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }
}

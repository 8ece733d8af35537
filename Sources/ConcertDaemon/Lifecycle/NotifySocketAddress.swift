#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The address in `$NOTIFY_SOCKET`, as the `sockaddr_un` bytes `sendto` takes.
///
/// A value starting with `/` is a socket file; one starting with `@` is in Linux's abstract
/// namespace: the `@` becomes a NUL byte and the address length counts exactly the name, with no
/// terminating NUL (the kernel compares the whole length). Other forms (`vsock:…`) are not supported.
struct NotifySocketAddress: Sendable, Hashable {
    /// The `sockaddr_un` structure, `length` bytes of it significant.
    let storage: [UInt8]
    let length: socklen_t

    init?(_ text: String) {
        var path = Array(text.utf8)
        let isAbstract = path.first == UInt8(ascii: "@")
        guard isAbstract || path.first == UInt8(ascii: "/"), path.count > 1 else { return nil }
        if isAbstract { path[0] = 0 }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        let capacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        // A socket file's path needs room for its terminating NUL; an abstract name does not.
        guard path.count + (isAbstract ? 0 : 1) <= capacity, !path.dropFirst().contains(0) else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: path)
        }
        storage = withUnsafeBytes(of: &address) { Array($0) }
        length = socklen_t(pathOffset + path.count + (isAbstract ? 0 : 1))
    }
}

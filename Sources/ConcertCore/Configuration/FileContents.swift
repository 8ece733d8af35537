import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The whole content of a file the daemon reads (configuration, catalog, templates, password
/// file, CA bundles), or why it cannot be had in words an operator can act on: "it is a
/// directory", "no such file or directory", "input/output error". Foundation's reader says
/// "NSCocoaErrorDomain error 256" for most of these, and "permission denied" for a device.
public enum FileContents {
    /// More than any of these files needs (the shipped catalog is a few kilobytes): a device
    /// such as /dev/zero named by mistake is refused instead of read until memory runs out.
    public static let limit = 64 << 20

    /// Reads `path` whole. A directory, FIFO or socket is refused without waiting on it; a
    /// character device (/dev/null) is read like a file.
    public static func read(_ path: String, limit: Int = limit) throws(FileReadError) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw FileReadError(reason: errnoText(errno)) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileReadError(reason: errnoText(errno)) }
        switch info.st_mode & S_IFMT {
        case S_IFREG, S_IFCHR: break
        case S_IFDIR: throw FileReadError(reason: "it is a directory")
        case S_IFIFO: throw FileReadError(reason: "it is a FIFO, not a file")
        case S_IFSOCK: throw FileReadError(reason: "it is a socket, not a file")
        default: throw FileReadError(reason: "it is not a regular file")
        }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count == 0 { return data }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileReadError(reason: errnoText(errno))
            }
            guard data.count + count <= limit else {
                throw FileReadError(reason: "it is larger than \(limit / (1 << 20)) MiB")
            }
            data.append(contentsOf: buffer[..<count])
        }
    }

    /// `strerror` of `code`, its first letter in lower case to fit after a colon ("no such
    /// file" for ENOENT, as the messages have always said).
    static func errnoText(_ code: Int32) -> String {
        if code == ENOENT { return "no such file" }
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }
}

/// Why a file could not be read: `reason` completes "cannot read the file: …".
public struct FileReadError: Error, CustomStringConvertible, Sendable {
    public var reason: String
    public var description: String { reason }
}

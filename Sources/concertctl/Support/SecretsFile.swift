import ConcertProtocol
import Foundation
import Glibc

/// The file `subscribe --from FILE --secrets-file PATH` writes every generated signing secret
/// to, as they arrive: one JSON object per line, `{"line":7,"id":"sub-…","secret":"whsec_…"}`,
/// `line` being the import file's line.
///
/// Created before anything is sent, never over an existing file (`O_EXCL`, no symlink
/// followed), mode 0600, and flushed to disk (`fsync`) before the import is committed: once
/// the subscriptions exist, their secrets are on disk.
final class SecretsFile {
    let path: String
    private var descriptor: Int32
    /// Secrets written so far.
    private(set) var count = 0

    /// Why the file could not be made or written.
    struct Failure: Error {
        var message: String
    }

    init(creating path: String) throws(Failure) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "it exists; it is never overwritten" : String(cString: strerror(errno))
            throw Failure(message: "cannot create --secrets-file \(path): \(reason)")
        }
        // The umask may have taken bits away; 0600 is what the file must have, no more, no less.
        fchmod(descriptor, 0o600)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Appends the entries that carry a secret.
    func write(_ entries: [BulkCreatedSubscription]) throws(Failure) {
        var text = ""
        var added = 0
        for entry in entries {
            guard let secret = entry.secret else { continue }
            text += "{\"line\":\(entry.line),\"id\":\(Self.quoted(entry.id)),\"secret\":\(Self.quoted(secret))}\n"
            added += 1
        }
        guard added > 0 else { return }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes {
                Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(message: "cannot write --secrets-file \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        count += added
    }

    /// Makes what was written durable.
    func sync() throws(Failure) {
        guard fsync(descriptor) == 0 else {
            throw Failure(message: "cannot write --secrets-file \(path) to disk: \(String(cString: strerror(errno)))")
        }
    }

    /// Deletes the file: the import it was made for stored nothing, so its secrets belong to no
    /// subscription.
    func remove() {
        unlink(path)
        close(descriptor)
        descriptor = -1
    }

    /// `text` as a JSON string.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

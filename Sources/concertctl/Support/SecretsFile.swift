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

    /// Takes out the entries of `lines`, which the commit rejected after their chunks were
    /// staged: their secrets belong to no subscription. The rest is copied to a new 0600 file
    /// beside this one (`O_EXCL`), flushed to disk and renamed over it, a line at a time.
    func dropEntries(ofLines lines: Set<Int>) throws(Failure) {
        guard !lines.isEmpty else { return }
        func failure(_ what: String) -> Failure {
            Failure(message: "cannot \(what) --secrets-file \(path): \(String(cString: strerror(errno)))")
        }
        let reading = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard reading >= 0, let input = fdopen(reading, "r") else { throw failure("read") }
        defer { fclose(input) }
        let temporary = path + ".kept"
        let copy = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard copy >= 0 else { throw failure("rewrite") }
        fchmod(copy, 0o600)
        var kept = 0
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        while true {
            let length = getline(&buffer, &capacity, input)
            guard length > 0, let buffer else { break }
            let line = UnsafeRawBufferPointer(start: buffer, count: length)
            if let number = Self.lineNumber(of: line), lines.contains(number) { continue }
            var offset = 0
            while offset < length {
                let written = Glibc.write(copy, line.baseAddress! + offset, length - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    let error = failure("rewrite")
                    close(copy)
                    unlink(temporary)
                    throw error
                }
                offset += written
            }
            kept += 1
        }
        guard fsync(copy) == 0, rename(temporary, path) == 0 else {
            let error = failure("rewrite")
            close(copy)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        descriptor = copy
        count = kept
    }

    /// The `line` of an entry written by ``write(_:)`` (`{"line":7,…`), or `nil`.
    private static func lineNumber(of entry: UnsafeRawBufferPointer) -> Int? {
        let prefix = Array("{\"line\":".utf8)
        guard entry.count > prefix.count, entry.prefix(prefix.count).elementsEqual(prefix) else { return nil }
        var value = 0
        for byte in entry.dropFirst(prefix.count) {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { break }
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = times + Int(byte - UInt8(ascii: "0"))
        }
        return value
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

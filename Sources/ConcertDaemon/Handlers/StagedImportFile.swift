import ConcertCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The checked subscriptions of one import batch, waiting for the commit in an unlinked file of
/// the state directory: a million of them held as Swift values would take most of a gigabyte of
/// the daemon's memory. The file has no name once created, so a crash or a dropped batch leaves
/// nothing behind.
///
/// Records are length-prefixed column values, read back in order by `readRecords`.
final class StagedImportFile {
    /// One staged subscription, the file's line it came from and the id it will have.
    struct Record {
        var line: Int
        var id: String
        var subscription: NewSubscription
        /// The signing secret the daemon generated for it, to be shown once after the commit.
        var generatedSecret: String?
    }

    private let descriptor: Int32
    private(set) var count = 0
    /// Records whose signing secret was generated.
    private(set) var generatedSecrets = 0

    init(directory: String) throws {
        let path = (directory as NSString).appendingPathComponent("import-\(RandomID.make(length: 12)).staging")
        descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        unlink(path)
    }

    deinit {
        close(descriptor)
    }

    /// Appends records at the end of the file.
    func append(_ records: [Record]) throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(records.count * 128)
        for record in records {
            Self.encode(record, into: &bytes)
            if record.generatedSecret != nil { generatedSecrets += 1 }
        }
        try bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                guard written > 0 else {
                    if written < 0 && errno == EINTR { continue }
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                offset += written
            }
        }
        count += records.count
    }

    /// Calls `body` with every record, in the order staged, reading the file a block at a time.
    func readRecords(_ body: (Record) throws -> Void) throws {
        var position: off_t = 0
        var pending: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let read = block.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress!, $0.count, position) }
            if read < 0 {
                if errno == EINTR { continue }
                throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
            }
            if read == 0 { break }
            position += off_t(read)
            pending.append(contentsOf: block[0..<read])
            var reader = Reader(bytes: pending)
            while let record = reader.record() {
                try body(record)
            }
            pending.removeFirst(reader.consumed)
        }
        guard pending.isEmpty else { throw POSIXError(.EIO) }
    }

    // MARK: - Format

    private static func encode(_ record: Record, into bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: [0, 0, 0, 0])  // the record's length, filled in below
        appendInteger(UInt64(record.line), to: &bytes)
        appendString(record.id, to: &bytes)
        let s = record.subscription
        switch s.channel {
        case .email(let address):
            bytes.append(0)
            appendString(address, to: &bytes)
            appendString(nil, to: &bytes)
            appendString(nil, to: &bytes)
        case .webhook(let url, let format, let secret):
            bytes.append(1)
            appendString(url, to: &bytes)
            appendString(format, to: &bytes)
            appendString(secret, to: &bytes)
        }
        appendString(s.cities.joined(separator: ","), to: &bytes)
        appendString(s.offsets.map { String($0.seconds) }.joined(separator: ","), to: &bytes)
        appendString(s.language.rawValue, to: &bytes)
        appendString(s.label, to: &bytes)
        bytes.append(record.generatedSecret == nil ? 0 : 1)
        let length = UInt32(bytes.count - start - 4)
        withUnsafeBytes(of: length.littleEndian) { bytes.replaceSubrange(start..<start + 4, with: $0) }
    }

    private static func appendInteger(_ value: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A UTF-8 string after its length; `nil` is the length 0xFFFFFFFF.
    private static func appendString(_ string: String?, to bytes: inout [UInt8]) {
        guard let string else {
            withUnsafeBytes(of: UInt32.max) { bytes.append(contentsOf: $0) }
            return
        }
        withUnsafeBytes(of: UInt32(string.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: string.utf8)
    }

    /// Reads whole records from the front of a buffer; `consumed` is how far it got.
    private struct Reader {
        let bytes: [UInt8]
        var consumed = 0
        private var position = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
        }

        mutating func record() -> Record? {
            guard bytes.count - consumed >= 4 else { return nil }
            position = consumed
            let length = Int(integer(UInt32.self))
            guard bytes.count - position >= length else { return nil }
            let line = Int(integer(UInt64.self))
            let id = string() ?? ""
            let kind = bytes[position]
            position += 1
            let target = string() ?? ""
            let format = string()
            let secret = string()
            let cities = (string() ?? "").split(separator: ",").map(String.init)
            let offsets = (string() ?? "").split(separator: ",").compactMap { Int($0) }.map(ReminderOffset.init)
            let language = Language(rawValue: string() ?? "") ?? .ko
            let label = string()
            let generated = bytes[position] == 1
            position += 1
            consumed = position
            let channel: ChannelAddress =
                kind == 0 ? .email(target) : .webhook(url: target, format: format ?? "generic", secret: secret)
            return Record(
                line: line, id: id,
                subscription: NewSubscription(
                    normalizedChannel: channel, cities: cities, offsets: offsets, language: language, label: label),
                generatedSecret: generated ? secret : nil)
        }

        private mutating func integer<T: FixedWidthInteger>(_ type: T.Type) -> T {
            var value: T = 0
            withUnsafeMutableBytes(of: &value) { destination in
                for index in 0..<MemoryLayout<T>.size { destination[index] = bytes[position + index] }
            }
            position += MemoryLayout<T>.size
            return T(littleEndian: value)
        }

        private mutating func string() -> String? {
            let length = integer(UInt32.self)
            guard length != UInt32.max else { return nil }
            let end = position + Int(length)
            defer { position = end }
            return String(decoding: bytes[position..<end], as: UTF8.self)
        }
    }
}

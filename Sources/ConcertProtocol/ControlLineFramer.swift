/// Splits the bytes of a connection into request lines, refusing any line over the limit.
///
/// A line ends with `\n`; a `\r` before it is dropped. Once a line grows past
/// ``maximumLineLength`` bytes (newline not counted) the framer yields ``Frame/tooLong`` and
/// then nothing more: the connection is to be answered with `line_too_long` and closed, since
/// there is no telling where the next request would start. Pure and incremental: bytes may
/// arrive in chunks of any size.
public struct ControlLineFramer: Sendable {
    /// 64 KiB: the longest request line accepted.
    public static let maximumLineLength = 65_536

    /// What the framer found in the bytes given to it.
    public enum Frame: Sendable, Hashable {
        /// A complete line, without its line ending.
        case line([UInt8])
        /// A line exceeded the limit; the framer yields nothing after this.
        case tooLong
    }

    public let maximumLineLength: Int
    private var partial: [UInt8] = []
    /// Whether a line exceeded the limit.
    public private(set) var isOverLimit = false

    public init(maximumLineLength: Int = ControlLineFramer.maximumLineLength) {
        self.maximumLineLength = maximumLineLength
    }

    /// The bytes of an incomplete line held until its newline arrives.
    package var bufferedByteCount: Int { partial.count }

    /// Adds bytes read from the connection; returns the frames they complete, in order.
    public mutating func append(_ bytes: some Collection<UInt8>) -> [Frame] {
        // Scanning through the generic collection costs a witness call per byte (this module is
        // not inlined into its callers), and a bulk import passes every byte of its lines through
        // here (BENCHMARKS.md).
        if let frames = bytes.withContiguousStorageIfAvailable({ append(contiguous: $0) }) { return frames }
        return Array(bytes).withUnsafeBufferPointer { append(contiguous: $0) }
    }

    private mutating func append(contiguous bytes: UnsafeBufferPointer<UInt8>) -> [Frame] {
        guard !isOverLimit else { return [] }
        var frames: [Frame] = []
        var rest = bytes[...]
        while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
            let piece = rest[..<newline]
            guard partial.count + piece.count <= maximumLineLength + 1 else {
                return overLimit(frames)
            }
            partial.append(contentsOf: piece)
            if partial.last == UInt8(ascii: "\r") { partial.removeLast() }
            guard partial.count <= maximumLineLength else { return overLimit(frames) }
            frames.append(.line(partial))
            partial.removeAll(keepingCapacity: true)
            rest = rest[rest.index(after: newline)...]
        }
        // One byte of slack: the `\r` of a `\r\n` split across two reads.
        guard partial.count + rest.count <= maximumLineLength + 1 else { return overLimit(frames) }
        partial.append(contentsOf: rest)
        return frames
    }

    /// Called when the peer has closed its side: a last line without newline still counts.
    public mutating func finish() -> [Frame] {
        guard !isOverLimit, !partial.isEmpty else { return [] }
        if partial.last == UInt8(ascii: "\r") { partial.removeLast() }
        defer { partial = [] }
        guard partial.count <= maximumLineLength else { return overLimit([]) }
        return [.line(partial)]
    }

    private mutating func overLimit(_ frames: [Frame]) -> [Frame] {
        isOverLimit = true
        partial = []
        return frames + [.tooLong]
    }
}

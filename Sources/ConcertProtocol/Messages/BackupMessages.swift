/// The result of `backup`: a consistent copy of the database, made by SQLite's online backup
/// and waiting in the daemon (an unnamed file of its state directory) to be read with
/// `backup.read`. Only root and the daemon's own user may ask: the copy holds every webhook URL
/// and signing secret.
public struct BackupResult: Codable, Sendable, Hashable {
    /// The copy's id, for `backup.read`.
    public var backup: String
    /// The copy's size in bytes.
    public var size: Int64
    /// The schema version the copy has: a concertd that knows fewer migrations refuses to open it.
    public var schemaVersion: Int

    public init(backup: String, size: Int64, schemaVersion: Int) {
        self.backup = backup
        self.size = size
        self.schemaVersion = schemaVersion
    }

    private enum CodingKeys: String, CodingKey {
        case backup, size
        case schemaVersion = "schema_version"
    }
}

/// The parameters of `backup.read`: the next piece of a copy.
public struct BackupReadParams: ControlParams, Hashable {
    public var backup: String
    /// Where to read from, in bytes.
    public var offset: Int64
    /// How many bytes to read, at most ``BackupReadParams/maximumLength`` (the default).
    public var length: Int?

    /// The most bytes one `backup.read` returns: each piece is copied a few times on its way out
    /// (base64, then JSON), so its size sets the daemon's memory during a backup, and larger
    /// pieces are no faster (`BENCHMARKS.md`).
    public static let maximumLength = 1 << 20

    public init(backup: String, offset: Int64, length: Int? = nil) {
        self.backup = backup
        self.offset = offset
        self.length = length
    }

    /// `offset` is not negative and `length` in 1 to ``maximumLength``; the daemon checks `offset`
    /// against the copy's size.
    public func checkRanges() throws(ControlError) {
        try ParamRange.check(offset, in: Self.offsetRange, field: "offset")
        try ParamRange.check(length, in: 1...Self.maximumLength, field: "length")
    }

    static let offsetRange: ClosedRange<Int64> = 0...Int64.max

    public static var integerRanges: [String: ClosedRange<Int64>] {
        ["offset": offsetRange, "length": ParamRange.wide(1...maximumLength)]
    }
}

/// The result of `backup.read`.
public struct BackupReadResult: Codable, Sendable, Hashable {
    /// Where `data` starts.
    public var offset: Int64
    /// The bytes, base64 (RFC 4648, with padding); empty at the end of the copy.
    public var data: String
    /// Whether this piece ends the copy; the daemon then deletes it.
    public var end: Bool

    public init(offset: Int64, data: String, end: Bool) {
        self.offset = offset
        self.data = data
        self.end = end
    }
}

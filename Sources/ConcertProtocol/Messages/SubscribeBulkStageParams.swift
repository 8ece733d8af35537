/// The parameters of `subscribe.bulk.stage`: one chunk of a large import file.
///
/// An import too large for one 64 KiB request is sent in chunks: each is checked and staged in the
/// daemon under a batch id (the first chunk gets a new one), and `subscribe.bulk.commit` then
/// imports every staged subscription in one transaction. Nothing is stored before the commit.
public struct SubscribeBulkStageParams: ControlParams, Hashable {
    /// The batch to add to; absent for the first chunk.
    public var batch: String?
    /// The file's line number of `lines[0]`, so rejections name the file's lines: the line numbers of
    /// the whole chunk lie in ``ParamRange/lineNumber``.
    public var firstLine: Int
    public var lines: [String]
    /// Where generated signing secrets go (default ``GeneratedSecrets/reply``: in the commit's
    /// reply). Every chunk of a batch must name the same.
    public var generatedSecrets: GeneratedSecrets?

    public init(batch: String? = nil, firstLine: Int = 1, lines: [String], generatedSecrets: GeneratedSecrets? = nil) {
        self.batch = batch
        self.firstLine = firstLine
        self.lines = lines
        self.generatedSecrets = generatedSecrets
    }

    private enum CodingKeys: String, CodingKey {
        case batch, lines
        case firstLine = "first_line"
        case generatedSecrets = "generated_secrets"
    }

    public func checkRanges() throws(ControlError) {
        // The last line's number, `first_line + lines.count - 1`, is in range too; computed without overflow.
        let last = ParamRange.lineNumber.upperBound - max(0, lines.count - 1)
        try ParamRange.check(firstLine, in: ParamRange.lineNumber.lowerBound...last, field: "first_line")
    }

    public static var integerRanges: [String: ClosedRange<Int64>] {
        ["first_line": ParamRange.wide(ParamRange.lineNumber)]
    }
}

/// The result of `subscribe.bulk.stage`: the batch, how many subscriptions it holds, and the lines
/// of this chunk that were refused.
public struct SubscribeBulkStageResult: Codable, Sendable, Hashable {
    public var batch: String
    /// Subscriptions staged in the batch so far, all chunks together.
    public var staged: Int
    public var rejected: [BulkRejectedLine]
    public var warnings: [String]
    /// With ``GeneratedSecrets/stage``: this chunk's lines whose signing secret was generated,
    /// with the id each will have once committed. Shown only in this reply.
    public var secrets: [BulkCreatedSubscription]?

    public init(
        batch: String, staged: Int, rejected: [BulkRejectedLine] = [], warnings: [String] = [],
        secrets: [BulkCreatedSubscription]? = nil
    ) {
        self.batch = batch
        self.staged = staged
        self.rejected = rejected
        self.warnings = warnings
        self.secrets = secrets
    }
}

/// The parameters of `subscribe.bulk.commit`.
public struct SubscribeBulkCommitParams: ControlParams, Hashable {
    public var batch: String

    public init(batch: String) {
        self.batch = batch
    }
}

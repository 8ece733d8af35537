/// The parameters of `subscribe.bulk`: the lines of an import file, each a ``SubscribeParams`` object.
///
/// Line numbers in the result count every element of `lines` from 1; blank lines are skipped. The daemon
/// imports every valid line in one transaction, sends no confirmation messages, and reports the
/// others. The whole request must fit in one 64 KiB line, which holds a few hundred subscriptions;
/// split larger files.
public struct SubscribeBulkParams: ControlParams, Hashable {
    public var lines: [String]
    /// Where generated signing secrets go: ``GeneratedSecrets/reply`` (the default) or
    /// ``GeneratedSecrets/refuse``.
    public var generatedSecrets: GeneratedSecrets?

    public init(lines: [String], generatedSecrets: GeneratedSecrets? = nil) {
        self.lines = lines
        self.generatedSecrets = generatedSecrets
    }

    private enum CodingKeys: String, CodingKey {
        case lines
        case generatedSecrets = "generated_secrets"
    }
}

/// The result of `subscribe.bulk`: a summary, what was created and every rejected line.
public struct SubscribeBulkResult: Codable, Sendable, Hashable {
    /// How many subscriptions were created.
    public var imported: Int
    public var created: [BulkCreatedSubscription]
    public var rejected: [BulkRejectedLine]
    /// Warnings, each naming its line: `line 4: suyeong has no upcoming concert`.
    public var warnings: [String]

    public init(
        imported: Int, created: [BulkCreatedSubscription], rejected: [BulkRejectedLine], warnings: [String] = []
    ) {
        self.imported = imported
        self.created = created
        self.rejected = rejected
        self.warnings = warnings
    }
}

/// One line of a bulk import that became a subscription (or, in a `subscribe.bulk.stage`
/// reply, will become one when the batch is committed).
public struct BulkCreatedSubscription: Codable, Sendable, Hashable {
    public var line: Int
    public var id: String
    /// A generated signing secret, shown only in this reply.
    public var secret: String?

    public init(line: Int, id: String, secret: String? = nil) {
        self.line = line
        self.id = id
        self.secret = secret
    }
}

/// One line of a bulk import that was refused, and why.
public struct BulkRejectedLine: Codable, Sendable, Hashable {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }
}

/// Where the signing secrets the daemon generates for an import's lines go: the
/// `generated_secrets` parameter of `subscribe.bulk` and `subscribe.bulk.stage`.
///
/// A `generic` webhook line given no `secret` gets one generated; it is shown once and never
/// again, so an import must hand every one over.
public enum GeneratedSecrets: String, Codable, Sendable, Hashable, CaseIterable {
    /// In the reply of `subscribe.bulk`, or of `subscribe.bulk.commit`: the default, as clients
    /// before this parameter expect. A staged batch may then generate at most
    /// ``BulkImportLimits/secretsInOneReply`` of them.
    case reply
    /// In the reply of each `subscribe.bulk.stage`, with the id the subscription will have once
    /// committed: no reply ever holds more than one chunk's secrets.
    case stage
    /// Nowhere: a line that would get one refuses the whole request, and nothing is stored or
    /// staged (a staged batch is dropped).
    case refuse
}

/// Bounds of the bulk import that clients may want to know.
public enum BulkImportLimits {
    /// The most generated secrets a staged batch in ``GeneratedSecrets/reply`` mode may hold: the
    /// commit's reply lists them all at once.
    public static let secretsInOneReply = 10_000
}

/// What telling subscribers of one concert's change did (a ``ConcertStore`` change counts it).
public struct NoticeTally {
    /// Notices queued by this change.
    public var queued = 0
    /// Active subscriptions of the concert's cities not told, because nothing about the
    /// concert had reached them yet.
    public var notTold = 0
    /// Active subscriptions of the concert's cities not told, because what they read (their
    /// language's venue) did not change.
    public var sameInLanguage = 0

    public init() {}
}

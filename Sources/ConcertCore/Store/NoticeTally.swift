/// What telling subscribers of one concert's change did (a ``ConcertStore`` change counts it).
struct NoticeTally {
    /// Notices queued by this change.
    var queued = 0
    /// Active subscriptions of the concert's cities not told, because nothing about the
    /// concert had reached them yet.
    var notTold = 0
    /// Active subscriptions of the concert's cities not told, because what they read (their
    /// language's venue) did not change.
    var sameInLanguage = 0
}

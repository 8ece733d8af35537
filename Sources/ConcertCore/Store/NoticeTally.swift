/// What telling subscribers of one concert's change did (a ``ConcertStore`` change counts it).
package struct NoticeTally {
    /// Notices queued by this change.
    package var queued = 0
    /// Active subscriptions of the concert's cities not told, because nothing about the
    /// concert had reached them yet.
    package var notTold = 0
    /// Active subscriptions of the concert's cities not told, because what they read (their
    /// language's venue) did not change.
    package var sameInLanguage = 0

    package init() {}
}

/// What one import of the catalog (or one admin change) did to the stored concerts.
public struct ConcertChanges: Sendable, Hashable {
    /// Concerts that were not stored before.
    public var added: [String] = []
    /// Concerts whose time, venue or status changed: a new revision.
    public var revised: [String] = []
    /// Concerts whose other details (title, speaker, notes) changed, in place.
    public var updated: [String] = []
    /// Concerts cancelled, including catalog concerts removed from the file.
    public var cancelled: [String] = []
    /// Concerts that came from the catalog but were changed through concertctl, so the file's
    /// version of them is not applied.
    public var keptAdminVersion: [String] = []
    /// Concerts changed through concertctl that the catalog file no longer lists: kept as they
    /// are, where a catalog concert would be cancelled.
    public var keptAdminVersionOfRemoved: [String] = []
    /// Notices (new concert, change, cancellation) queued for subscribers by these changes.
    public var noticesQueued = 0
    /// Active subscriptions of a changed or cancelled concert's cities that were not told,
    /// because no message about that concert had reached them yet: their reminders follow the
    /// concert as it now stands (a cancellation skips them).
    public var subscriptionsNotTold = 0
    /// Active subscriptions of a changed concert's cities not told because nothing they read
    /// changed: only the other language's venue did.
    public var subscriptionsSameInLanguage = 0

    /// No changes yet.
    public init() {}

    /// Whether no stored concert changed (concerts whose admin version was kept do not count).
    public var isEmpty: Bool { added.isEmpty && revised.isEmpty && updated.isEmpty && cancelled.isEmpty }

    /// Adds what telling the subscribers of one changed concert did.
    public mutating func count(_ tally: NoticeTally) {
        noticesQueued += tally.queued
        subscriptionsNotTold += tally.notTold
        subscriptionsSameInLanguage += tally.sameInLanguage
    }
}

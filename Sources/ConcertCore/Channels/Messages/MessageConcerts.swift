import Foundation

/// The concerts a claimed row's message names, handed in by the scheduler, which reads them from
/// the store: message assembly never reads the store itself.
struct MessageConcerts {
    /// The row's concert, at the row's revision or later.
    var concert: StoredConcert
    /// The number of the scheduler's load of `concert`: a reloaded concert never shares parts with
    /// its former self (its facts can change without a new revision).
    var load: Int
    /// A confirmation's other concerts, soonest first; those gone from the store are left out.
    var nextConcerts: [StoredConcert] = []
}

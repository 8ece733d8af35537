import Foundation

/// Which sessions of the database serve which instance, and which life of it.
///
/// Every session of a ``PostgresStore`` goes by `application_name` `concertd/NAME@LIFE`: its
/// instance's name and its life, a random id drawn when the store is made (a process's start).
/// The name says which instance a session serves (one live instance a name, refused at start
/// otherwise); the life tells the instance that anchored the clock from a new start of it, which
/// connects before it anchors, and survives the pool's reconnections. The server keeps 63 bytes
/// of an `application_name`: a name longer than 45 characters loses some or all of its life.
extension PostgresStore {
    /// A new life's id: 8 hex digits.
    static func newLife() -> String {
        String(format: "%08x", UInt32.random(in: .min ... .max))
    }

    /// The `application_name` of the sessions of instance `name` in life `life`, without the
    /// server's cut to 63 bytes.
    static func applicationName(instance name: String, life: String) -> String {
        "concertd/\(name)@\(life)"
    }

    /// SQL: whether the session's `application_name` serves the instance whose name the SQL
    /// expression `name` gives, in any life (or a concertd that names no life).
    static func servesInstance(_ name: String) -> String {
        "(application_name = left('concertd/' || \(name), 63) OR left(application_name, length('concertd/' || \(name)) + 1) = 'concertd/' || \(name) || '@')"
    }
}

import ConcertCore

/// PostgreSQL's failures as the store's callers read them: a lost connection, a serialization
/// failure or a server short of resources is worth waiting for; a refused login needs a person, but
/// a running daemon waits and tries again (a start fails on it); the rest needs a person.
extension PostgresError: StoreEngineError {
    public var storeFailure: StoreFailure {
        switch kind {
        case .connectionLost, .serialization, .unavailable: .temporary
        case .loginRefused: .unavailable
        case .constraint, .invalidValue, .other: .lasting
        }
    }

    public var storeMessage: String { description }
}

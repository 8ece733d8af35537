import ConcertCore

/// PostgreSQL's failures as the store's callers read them: a lost connection, a serialization
/// failure or a server short of resources is worth waiting for; the rest needs a person.
extension PostgresError: StoreEngineError {
    public var storeFailure: StoreFailure {
        switch kind {
        case .connectionLost, .serialization, .unavailable: .temporary
        case .constraint, .invalidValue, .other: .lasting
        }
    }

    public var storeMessage: String { description }
}

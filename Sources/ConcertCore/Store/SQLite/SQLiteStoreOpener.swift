/// The SQLite store of one database file.
public struct SQLiteStoreOpener: StoreOpener {
    public var path: String
    /// How long a statement waits for a database another connection has locked before it fails.
    public var busyTimeout: Double

    public init(path: String, busyTimeout: Double = 5) {
        self.path = path
        self.busyTimeout = busyTimeout
    }

    public func open() throws -> any ConcertdStore {
        try AppDatabase.open(path: path, busyTimeout: busyTimeout)
    }

    public func openToRead() throws -> (any ConcertdStore)? {
        try AppDatabase.openToRead(path: path)
    }
}

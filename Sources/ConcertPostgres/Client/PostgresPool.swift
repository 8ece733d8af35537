import Foundation

/// A few connections to the PostgreSQL server, each lent to one caller at a time.
///
/// The scheduler's queue, the control handlers' queue and a bulk import each borrow one for the
/// length of a store call, so at most `capacity` connections are open. A connection that failed
/// with `.connectionLost` is dropped on return and a new one is made by the next caller that
/// needs it; while the server is away, each call fails fast with the reason (or after the
/// connect timeout, when the server does not answer at all).
public final class PostgresPool: @unchecked Sendable {
    // @unchecked: `idle`, `open` are guarded by `condition`; a lent connection is used by its borrower only.
    public let settings: PostgresSettings
    public let capacity: Int
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private let prepare: @Sendable (PostgresConnection) throws -> Void

    /// - Parameter prepare: run on each new connection before it is lent (session settings).
    public init(
        settings: PostgresSettings, capacity: Int = 4,
        prepare: @escaping @Sendable (PostgresConnection) throws -> Void = { _ in }
    ) {
        self.settings = settings
        self.capacity = max(1, capacity)
        self.prepare = prepare
    }

    /// Lends a connection to `body`, connecting first when none is idle; waits while all
    /// `capacity` connections are lent.
    public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try borrow()
        defer { giveBack(connection) }
        return try body(connection)
    }

    private func borrow() throws -> PostgresConnection {
        condition.lock()
        while idle.isEmpty && open >= capacity { condition.wait() }
        if let connection = idle.popLast() {
            condition.unlock()
            return connection
        }
        open += 1
        condition.unlock()
        do {
            let connection = try PostgresConnection(settings)
            try prepare(connection)
            return connection
        } catch {
            condition.lock()
            open -= 1
            condition.signal()
            condition.unlock()
            throw error
        }
    }

    private func giveBack(_ connection: PostgresConnection) {
        let keep = connection.isUsable && !connection.inTransaction
        if !keep { connection.close() }
        condition.lock()
        if keep { idle.append(connection) } else { open -= 1 }
        condition.signal()
        condition.unlock()
    }

    /// Closes the idle connections (lent ones close when they come back unusable or at exit).
    public func closeIdle() {
        condition.lock()
        let closing = idle
        idle = []
        open -= closing.count
        condition.unlock()
        for connection in closing { connection.close() }
    }
}

import Foundation

/// A few connections to the PostgreSQL server, each lent to one caller at a time.
///
/// The scheduler's queue, the control handlers' queue and a bulk import each borrow one for the
/// length of a store call, so at most `capacity` connections are open. A connection that failed
/// with `.connectionLost` is dropped on return and a new one is made by the next caller that
/// needs it; while the server is away, each call fails fast with the reason (or after the
/// connect timeout, when the server does not answer at all).
///
/// The pool remembers the server out of reach (``outage``): from the first connection attempt or
/// call that lost it, to the next connection made. Meanwhile one caller at a time tries to connect;
/// the others fail at once with the outage's reason instead of each waiting for the connect
/// timeout, or for a connection lent to a call the vanished server leaves hanging.
public final class PostgresPool: @unchecked Sendable {
    // @unchecked: `idle`, `open`, `outageState`, `connecting` are guarded by `condition`; a lent
    // connection is used by its borrower only.
    public let settings: PostgresSettings
    public let capacity: Int
    private let condition = NSCondition()
    /// Where ``probeInBackground()`` connects: a serial queue of its own, not a global one (the
    /// first work item on a global concurrent queue starts libdispatch's worker pool monitor, which
    /// then wakes the daemon every second).
    private let probeQueue = DispatchQueue(label: "concertd.postgres-probe")
    private var idle: [PostgresConnection] = []
    private var open = 0
    private let prepare: @Sendable (PostgresConnection) throws -> Void
    private var outageState: PostgresOutage?
    /// Callers connecting now, while the server is out of reach (one at a time).
    private var connecting = 0

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
        do {
            let value = try body(connection)
            // A call that went through ends an outage, as a connection made does.
            condition.withLock { outageState = nil }
            return value
        } catch let error as PostgresError where error.kind == .connectionLost {
            failed(error)
            throw error
        }
    }

    /// The server out of reach since the pool last lost it, nil while it answers.
    public var outage: PostgresOutage? { condition.withLock { outageState } }

    private func borrow() throws -> PostgresConnection {
        condition.lock()
        while idle.isEmpty && open >= capacity {
            if let outage = outageState {
                condition.unlock()
                throw outage.error
            }
            condition.wait()
        }
        if let connection = idle.popLast() {
            condition.unlock()
            return connection
        }
        if let outage = outageState, connecting > 0 {
            condition.unlock()
            throw outage.error
        }
        open += 1
        let duringOutage = outageState != nil
        if duringOutage { connecting += 1 }
        condition.unlock()
        defer {
            if duringOutage { condition.withLock { connecting -= 1 } }
        }
        do {
            let connection = try PostgresConnection(settings)
            try prepare(connection)
            condition.withLock { outageState = nil }
            return connection
        } catch {
            condition.lock()
            open -= 1
            if let error = error as? PostgresError, error.kind == .connectionLost || error.kind == .loginRefused {
                record(error)
            }
            condition.broadcast()
            condition.unlock()
            throw error
        }
    }

    /// During an outage, tries once in the background to reach the server (unless a caller is
    /// connecting already), so that a caller answering from ``outage`` alone learns it is over.
    public func probeInBackground() {
        guard condition.withLock({ outageState != nil && connecting == 0 }) else { return }
        probeQueue.async { [self] in
            try? withConnection { connection in _ = try connection.execute("SELECT 1") }
        }
    }

    /// Records a call that lost the server.
    private func failed(_ error: PostgresError) {
        condition.withLock { record(error) }
    }

    /// Starts or extends the outage; `condition` is held.
    private func record(_ error: PostgresError) {
        if var outage = outageState {
            outage.error = error
            outage.failures += 1
            outageState = outage
        } else {
            outageState = PostgresOutage(since: Date(), error: error)
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

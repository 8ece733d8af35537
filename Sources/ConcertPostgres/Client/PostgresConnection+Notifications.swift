import CLibPQ

/// A `NOTIFY` received on a channel this connection listens to.
public struct PostgresNotification: Sendable, Hashable {
    public var channel: String
    public var payload: String
    /// The server process of the connection that sent it.
    public var senderPID: Int32
}

extension PostgresConnection {
    /// The connection's socket, to wait on for notifications; -1 when closed.
    public var socket: Int32 { (try? liveHandle()).map(PQsocket) ?? -1 }

    /// Reads what the server has sent without blocking. Throws the connection's loss, with the
    /// server's reason when it gave one, when the connection is gone (it is then closed).
    public func consumeInput() throws(PostgresError) {
        guard let handle = try? liveHandle() else {
            throw PostgresError(.connectionLost, "the connection to PostgreSQL is closed")
        }
        let consumed = PQconsumeInput(handle) == 1
        // Parses what was read, even from a connection just lost (libpq keeps it): notifications
        // are queued, and the FATAL a server sends before closing reaches the notice receiver.
        _ = PQisBusy(handle)
        guard consumed, PQstatus(handle) == CONNECTION_OK else {
            let error = lostError()
            close()
            throw error
        }
    }

    /// The notifications read so far (by ``consumeInput()`` or by any query on this connection),
    /// oldest first.
    public func takeNotifications() -> [PostgresNotification] {
        guard let handle = try? liveHandle() else { return [] }
        var notifications: [PostgresNotification] = []
        while let note = PQnotifies(handle) {
            notifications.append(
                PostgresNotification(
                    channel: String(cString: note.pointee.relname), payload: String(cString: note.pointee.extra),
                    senderPID: note.pointee.be_pid))
            PQfreemem(note)
        }
        return notifications
    }

    /// `"name"`: an identifier quoted for SQL (`LISTEN`, `NOTIFY` take no parameters).
    static func quoted(identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

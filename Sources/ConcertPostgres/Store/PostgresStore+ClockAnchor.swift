import ConcertCore
import Foundation

/// The clock's anchor, shared by the instances running on the database (`clock_anchor`, one row):
/// the flags of the instance that anchored it, what its clock read when it began (`clock_start`)
/// and that real instant on the server's clock (`real_start`), and the instances that run on it.
///
/// The anchor records each instance that anchored or followed it by its life (`NAME@LIFE`,
/// ``PostgresStore/applicationName(instance:life:)``), and an instance runs on the anchor while a
/// session of that life is connected: a new start of it, connected but not yet anchored, does
/// not count, and its reconnections do. A start finding none of the anchor's instances running,
/// other than its own name's (its earlier life), anchors the clock anew: a replay restarted on
/// every instance starts again, as on SQLite.
extension PostgresStore {
    /// The key of the transaction advisory lock held while a start reads and writes the anchor:
    /// instances starting together take turns, and the second follows the first.
    static let clockLockKey: Int64 = 0x636F_6E63_636C_6F63  // "concclok"

    /// Instances share the database.
    public var sharedByInstances: Bool { true }

    public func anchorClock(_ shift: ClockShift?) throws -> ClockAnchor {
        try pool.withConnection { connection in
            try connection.transaction {
                try connection.query("SELECT pg_advisory_xact_lock($1)", [.integer(Self.clockLockKey)])
                // The anchor's instances other than this one's name (its earlier life) whose life
                // still has a session: a new life of one, connected but not yet anchored, does not
                // count. Other flags than theirs wait a moment for those sessions to go: an
                // instance that stopped is still listed until the server's process for its
                // session exits.
                var rows = try anchorRow(connection)
                let deadline = ContinuousClock.now + Self.stoppedSessionWait
                while rows.count == 1, rows.optionalText(0, 5) != nil, !Self.sameFlags(Self.flags(of: rows), shift),
                    ContinuousClock.now < deadline
                {
                    Thread.sleep(forTimeInterval: 0.1)
                    rows = try anchorRow(connection)
                }
                // This host's clock against the server's, after any wait: the anchor's real instant is the
                // server's.
                let before = Date()
                let serverNow = Date(
                    millis: try connection.query("SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint")
                        .int64(0, 0))
                let after = Date()
                let skew = before.addingTimeInterval(after.timeIntervalSince(before) / 2).timeIntervalSince(serverNow)
                if rows.count == 1, let running = rows.optionalText(0, 5) {
                    let theirs = Self.flags(of: rows)
                    let names = running.split(separator: ",").map(String.init)
                    guard Self.sameFlags(theirs, shift) else {
                        throw StoreError(
                            .invalid,
                            "the clock differs from that of the \(names.count == 1 ? "instance" : "instances") "
                                + "\(names.joined(separator: ", ")) running on this database, started "
                                + "\(Self.describe(theirs)); this one was started \(Self.describe(shift)). Start it "
                                + "with the same --clock-start and --clock-rate, or stop those instances first")
                    }
                    try connection.query(
                        """
                        UPDATE clock_anchor SET instances = array_append(
                            ARRAY(SELECT entry FROM unnest(instances) AS entry WHERE split_part(entry, '@', 1) <> $1), $2)
                        WHERE id = 1
                        """, [.text(instanceName), .text(anchorEntry)])
                    return ClockAnchor(
                        shift: shift, clockStart: Date(millis: rows.int64(0, 3)),
                        realStart: Date(millis: rows.int64(0, 4)).addingTimeInterval(skew), followedInstances: names)
                }
                let clockStart = shift?.start ?? serverNow
                try connection.query(
                    """
                    INSERT INTO clock_anchor (id, shifted, flag_start, rate, clock_start, real_start, instances)
                    VALUES (1, $1, $2, $3, $4, to_timestamp($5::bigint / 1000.0), ARRAY[$6])
                    ON CONFLICT (id) DO UPDATE SET shifted = excluded.shifted, flag_start = excluded.flag_start,
                        rate = excluded.rate, clock_start = excluded.clock_start, real_start = excluded.real_start,
                        instances = excluded.instances
                    """,
                    [
                        .boolean(shift != nil), .integer(shift?.start?.millis), .double(shift?.rate ?? 1),
                        .integer(clockStart.millis), .integer(serverNow.millis), .text(anchorEntry),
                    ])
                return ClockAnchor(
                    shift: shift, clockStart: Date(millis: clockStart.millis),
                    realStart: serverNow.addingTimeInterval(skew))
            }
        }
    }

    /// How long a start with other flags than the anchor's waits for the sessions of its
    /// instances to go before it is refused: an instance that stopped is listed by the server
    /// until its session's process exits, a moment after.
    static let stoppedSessionWait: Duration = .seconds(3)

    /// This life's entry in the anchor's `instances`: its `application_name` after `concertd/`.
    var anchorEntry: String { "\(instanceName)@\(life)" }

    /// The anchor row: its flags and clock, and the names of its instances other than this one's
    /// whose life still has a session (NULL when none). The server's list of sessions is read
    /// afresh (`pg_stat_clear_snapshot`), not as first read in this transaction.
    func anchorRow(_ connection: PostgresConnection) throws -> PostgresRows {
        try connection.query("SELECT pg_stat_clear_snapshot()")
        return try connection.query(
            """
            SELECT shifted, flag_start, rate, clock_start, (extract(epoch FROM real_start) * 1000)::bigint,
                (SELECT string_agg(DISTINCT split_part(entry, '@', 1), ',' ORDER BY split_part(entry, '@', 1)) FROM unnest(instances) AS entry
                    WHERE split_part(entry, '@', 1) <> $1 AND EXISTS (
                        SELECT 1 FROM pg_stat_activity
                        WHERE datname = current_database() AND application_name = left('concertd/' || entry, 63)))
            FROM clock_anchor WHERE id = 1
            """, [.text(instanceName)])
    }

    /// The flags of the anchor row read by ``anchorRow(_:)``.
    static func flags(of rows: PostgresRows) -> ClockShift? {
        rows.bool(0, 0)
            ? ClockShift(start: rows.optionalInt64(0, 1).map(Date.init(millis:)), rate: rows.double(0, 2)) : nil
    }

    /// Whether two starts were given the same clock flags, times to the millisecond as stored.
    static func sameFlags(_ a: ClockShift?, _ b: ClockShift?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.start?.millis == b.start?.millis && a.rate == b.rate
    }

    /// The flags as the command line gives them: `with --clock-start … --clock-rate …`.
    static func describe(_ shift: ClockShift?) -> String {
        guard let shift else { return "without --clock-start or --clock-rate" }
        let rate =
            shift.rate == shift.rate.rounded() && abs(shift.rate) < 1e15 ? String(Int64(shift.rate)) : "\(shift.rate)"
        let start = shift.start.map { "--clock-start \(KoreaTime.iso8601($0)) " } ?? ""
        return "with \(start)--clock-rate \(rate)"
    }
}

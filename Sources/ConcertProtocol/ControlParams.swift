/// The parameters of a control method: read from a request, then checked for numbers out of range
/// before any handler sees them.
///
/// ``ControlRequest/decodeParams(for:)`` calls ``checkRanges()`` after decoding, so a number a
/// handler gets is within the range this protocol gives it and no arithmetic on it can overflow.
/// Params without numbers keep the default, which accepts everything.
public protocol ControlParams: Codable, Sendable {
    /// Throws `invalid_params` naming the field (`first_line`, `limit`) when a number is outside its range.
    func checkRanges() throws(ControlError)

    /// The range of each whole-number member, by its name on the wire (`first_line`): what the
    /// error for a number beyond 64 bits (`9223372036854775808`, `1e300`) gives as the range,
    /// since such a number cannot even be decoded for ``checkRanges()`` to look at.
    static var integerRanges: [String: ClosedRange<Int64>] { get }
}

extension ControlParams {
    public func checkRanges() throws(ControlError) {}

    public static var integerRanges: [String: ClosedRange<Int64>] { [:] }
}

/// The ranges of the numbers a request may carry, as `docs/control-protocol.md` states them.
public enum ParamRange {
    /// `limit` of every listing: entries in one reply.
    public static let limit: ClosedRange<Int> = 1...10_000
    /// Line numbers of an import file (`first_line` and the lines after it).
    public static let lineNumber: ClosedRange<Int> = 1...1_000_000_000
    /// Delivery ids.
    public static let deliveryID: ClosedRange<Int64> = 1...Int64.max
    /// The years of the times a request may name (`start`, `end`, `from`, `to`), in Korea time.
    public static let year: ClosedRange<Int> = 2000...2099
    /// The length of a `cursor` as the daemon writes them; a longer one cannot be one of its own.
    public static let cursorLength: ClosedRange<Int> = 1...256

    /// `range` as the 64-bit range ``ControlParams/integerRanges`` holds.
    public static func wide<Number: FixedWidthInteger>(_ range: ClosedRange<Number>) -> ClosedRange<Int64> {
        Int64(range.lowerBound)...Int64(range.upperBound)
    }

    /// Throws `invalid_params` for `field` unless `value` (when given) is in `range`.
    public static func check<Number: FixedWidthInteger>(
        _ value: Number?, in range: ClosedRange<Number>, field: String
    ) throws(ControlError) {
        guard let value, !range.contains(value) else { return }
        throw .invalidParams(
            "params.\(field) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(value)",
            field: field)
    }

    /// Throws `invalid_params` for `cursor` when it is empty or longer than any cursor the daemon writes.
    public static func checkCursor(_ cursor: String?) throws(ControlError) {
        guard let cursor, !cursorLength.contains(cursor.utf8.count) else { return }
        throw .invalidParams(
            "params.cursor is not a cursor this daemon gave: pass the `cursor` of the previous page unchanged",
            field: "cursor")
    }
}

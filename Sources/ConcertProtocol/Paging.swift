/// The parameters of a listing read page by page (protocol 2): how many entries, and where to go on.
///
/// `limit` is the most entries one reply holds (``ParamRange/limit``). `cursor` is the `cursor` of
/// the previous page's reply, passed back unchanged: opaque, made by the daemon, refused with
/// `invalid_params` when it is not one of its own. Entries come in a fixed order and the cursor
/// marks the last one sent, so a page goes on after it even when entries were added or removed
/// meanwhile (an entry that moved in the order, such as a delivery retried, may be seen twice or
/// not at all).
public protocol PagedParams: ControlParams {
    var limit: Int? { get set }
    var cursor: String? { get set }
}

extension PagedParams {
    public func checkRanges() throws(ControlError) {
        try ParamRange.check(limit, in: ParamRange.limit, field: "limit")
        try ParamRange.checkCursor(cursor)
    }

    public static var integerRanges: [String: ClosedRange<Int64>] { ["limit": ParamRange.wide(ParamRange.limit)] }
}

/// The result of a listing read page by page: the entries, and the `cursor` of the next page,
/// absent on the last one.
public protocol PagedResult: Codable, Sendable {
    associatedtype Item: Codable & Sendable
    /// The member that holds the entries: `subscriptions`, `deliveries`, ….
    static var itemsKey: String { get }
    var items: [Item] { get }
    var cursor: String? { get }
}

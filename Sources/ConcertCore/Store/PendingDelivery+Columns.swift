import Foundation

extension PendingDelivery {
    /// Delivery columns, then the subscription's, its destination and whether its target is
    /// subscribed twice, in the order `init(columns:)` reads them, from `tables`.
    package static let columnList = """
        \(Delivery.columns(of: "d")), \(Subscription.columns(of: "s")), s.destination,
            EXISTS (SELECT 1 FROM subscription twin WHERE twin.target = s.target AND twin.id <> s.id)
        """

    /// The rows `columnList` reads: each delivery `d` with its subscription `s`.
    package static let tables = "FROM delivery d JOIN subscription s ON s.id = d.subscription_id"

    /// How many columns `columnList` names: a query's own columns come after them.
    package static let columnCount = Delivery.columnCount + Subscription.columnCount + 2

    /// `columnList` from `tables`; add a WHERE clause.
    package static let select = "SELECT \(columnList) \(tables)"

    /// Decodes a row of `select`. Columns are read by position: this runs for every row a claim
    /// reads, and a lookup by name costs a string comparison per column.
    package init(columns row: some PositionalRow) {
        let s = Delivery.columnCount + Subscription.columnCount
        self.init(
            delivery: Delivery(columnsOf: row), subscription: Subscription(columns: row, at: Delivery.columnCount),
            destination: row.text(s), targetSubscribedTwice: row.bool(s + 1))
    }
}

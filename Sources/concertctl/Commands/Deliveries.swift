import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Deliveries: PagedListingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the delivery log, newest first, with attempts and the last error.",
            discussion: """
                On a PostgreSQL store instances share (database_url), an INSTANCE column, before REPLY, \
                names the instance (instance_name) of each row's last attempt: the one sending it, for a \
                row in sending. A row not yet tried, or copied from SQLite by concertd migrate-store, \
                names none. On SQLite the column is not shown. --json gives it as each row's instance.
                """)

        enum State: String, ExpressibleByArgument, CaseIterable {
            case scheduled, sending, sent, retrying, failed, skipped
        }

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .unconditional, help: "Only deliveries in this state.")
        var state: State?

        @Option(parsing: .unconditional, help: "Only deliveries of this subscription.")
        var subscription: String?

        @Option(parsing: .unconditional, help: "At most this many (default: all).", transform: InputChecks.limit)
        var limit: Int?

        func validate() throws {
            if let subscription { try InputChecks.id(subscription, "--subscription") }
        }

        func run(in context: CommandContext) async throws {
            var table = PagedTable.deliveries(showErrors: true)
            // On a store several instances share, the rows name the instance of their last attempt:
            // the first reply says so, and the table gets its column.
            let params = DeliveriesParams(state: state?.rawValue, subscription: subscription)
            var first: DeliveriesResult?
            let listed = try await listPages(ControlMethods.deliveries, params, in: context, firstPage: &first) {
                deliveries, before, firstPage in
                let instances = firstPage.sharedByInstances == true
                if before == 0 && instances { table = PagedTable.deliveries(showErrors: true, instances: true) }
                if !deliveries.isEmpty {
                    context.output.line(
                        table.render(
                            PagedTable.rows(deliveries, showErrors: true, instances: instances), before: before))
                }
            }
            guard !global.json else { return }
            if listed == 0 { context.output.line("no deliveries") }
            for reminder in first?.notPlanned ?? [] {
                context.output.line(
                    "not planned: \(reminder.offset) reminder of \(reminder.concert) (due \(Display.time(reminder.due))): \(reminder.reason)"
                )
            }
        }
    }
}

import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Subscriptions: PagedListingCommand {
        static let configuration = CommandConfiguration(
            abstract: "List subscriptions (secrets masked), in the order they were made.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .unconditional, help: "Only subscriptions that include this city.")
        var city: String?

        @Option(parsing: .unconditional, help: "At most this many (default: all).", transform: InputChecks.limit)
        var limit: Int?

        func validate() throws {
            if let city { try InputChecks.id(city, "--city") }
        }

        func run(in context: CommandContext) async throws {
            var table = PagedTable("ID", "STATE", "SOURCE", "CITIES", "BEFORE", "LANG", "CHANNEL", "LABEL")
            var first: SubscriptionsResult?
            let listed = try await listPages(
                ControlMethods.subscriptions, SubscriptionsParams(city: city), in: context, firstPage: &first
            ) { subscriptions, before, _ in
                let rows = subscriptions.map { subscription in
                    [
                        subscription.id, subscription.state, subscription.source ?? "",
                        subscription.cities.joined(separator: ","),
                        subscription.before.joined(separator: ","), subscription.lang,
                        subscription.format.map { "\(subscription.channel) (\($0))" } ?? subscription.channel,
                        subscription.label ?? "",
                    ]
                }
                if !rows.isEmpty { context.output.line(table.render(rows, before: before)) }
            }
            guard !global.json else { return }
            if listed == 0 { context.output.line("no subscriptions") }
            if let pending = first?.pendingWebRequests, pending > 0 {
                context.output.line(
                    "\(pending) web request\(pending == 1 ? "" : "s") to subscribe waiting for confirmation")
            }
        }
    }
}

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
            var table = PagedTable("ID", "STATE", "CITIES", "BEFORE", "LANG", "CHANNEL", "LABEL")
            let listed = try await listPages(ControlMethods.subscriptions, SubscriptionsParams(city: city), in: context)
            { subscriptions, before in
                let rows = subscriptions.map { subscription in
                    [
                        subscription.id, subscription.state, subscription.cities.joined(separator: ","),
                        subscription.before.joined(separator: ","), subscription.lang,
                        subscription.format.map { "\(subscription.channel) (\($0))" } ?? subscription.channel,
                        subscription.label ?? "",
                    ]
                }
                if !rows.isEmpty { context.output.line(table.render(rows, before: before)) }
            }
            if listed == 0 && !global.json { context.output.line("no subscriptions") }
        }
    }
}

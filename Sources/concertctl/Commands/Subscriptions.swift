import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Subscriptions: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "List subscriptions (secrets masked).")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Only subscriptions that include this city.")
        var city: String?

        func validate() throws {
            if let city { try InputChecks.id(city, "--city") }
        }

        func run(in context: CommandContext) async throws {
            let (result, raw) = try await call(
                ControlMethods.subscriptions, SubscriptionsParams(city: city), in: context)
            emit(raw, in: context) {
                guard !result.subscriptions.isEmpty else {
                    context.output.line("no subscriptions")
                    return
                }
                var table = TextTable("ID", "STATE", "CITIES", "BEFORE", "LANG", "CHANNEL", "LABEL")
                for subscription in result.subscriptions {
                    let channel = subscription.format.map { "\(subscription.channel) (\($0))" } ?? subscription.channel
                    table.add(
                        subscription.id, subscription.state, subscription.cities.joined(separator: ","),
                        subscription.before.joined(separator: ","), subscription.lang, channel, subscription.label ?? ""
                    )
                }
                context.output.line(table.render())
            }
        }
    }
}

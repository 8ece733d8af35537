import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Deliveries: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the delivery log, newest first, with attempts and the last error.")

        enum State: String, ExpressibleByArgument, CaseIterable {
            case scheduled, sending, sent, retrying, failed, skipped
        }

        @OptionGroup var global: GlobalOptions

        @Option(help: "Only deliveries in this state.")
        var state: State?

        @Option(help: "Only deliveries of this subscription.")
        var subscription: String?

        @Option(help: "At most this many (default: the daemon's, 50).")
        var limit: Int?

        func validate() throws {
            try InputChecks.limit(limit)
            if let subscription { try InputChecks.id(subscription, "--subscription") }
        }

        func run(in context: CommandContext) async throws {
            let params = DeliveriesParams(state: state?.rawValue, subscription: subscription, limit: limit)
            let (result, raw) = try await call(ControlMethods.deliveries, params, in: context)
            emit(raw, in: context) {
                if result.deliveries.isEmpty {
                    context.output.line("no deliveries")
                } else {
                    context.output.line(TextTable.deliveries(result.deliveries, showErrors: true).render())
                }
                for reminder in result.notPlanned ?? [] {
                    context.output.line(
                        "not planned: \(reminder.offset) reminder of \(reminder.concert) (due \(Display.time(reminder.due))): \(reminder.reason)"
                    )
                }
            }
        }
    }
}

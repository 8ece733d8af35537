import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Upcoming: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "List scheduled reminders in due order.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "At most this many (default: the daemon's, 50).")
        var limit: Int?

        func validate() throws {
            try InputChecks.limit(limit)
        }

        func run(in context: CommandContext) async throws {
            let (result, raw) = try await call(ControlMethods.upcoming, UpcomingParams(limit: limit), in: context)
            emit(raw, in: context) {
                guard !result.deliveries.isEmpty else {
                    context.output.line("nothing scheduled")
                    return
                }
                context.output.line(TextTable.deliveries(result.deliveries, showErrors: false).render())
            }
        }
    }
}

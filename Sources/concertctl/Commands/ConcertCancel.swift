import ArgumentParser
import ConcertProtocol

extension ConcertCtl.Concert {
    struct Cancel: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a concert; pending reminders are skipped and subscribers are told.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The concert's id.")
        var id: String

        func validate() throws {
            try InputChecks.id(id, "the concert id")
        }

        func run(in context: CommandContext) async throws {
            let (result, raw) = try await call(ControlMethods.concertCancel, ConcertIDParams(id: id), in: context)
            emit(raw, in: context) {
                context.output.line(
                    "cancelled \(result.concert.id); \(Display.plural(result.notices, "cancellation notice")) queued")
            }
            for warning in result.warnings { context.output.warning("\(warning)") }
        }
    }
}

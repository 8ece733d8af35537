import ArgumentParser
import ConcertProtocol

extension ConcertCtl.Concert {
    struct Reschedule: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a concert; reminders follow and subscribers are told.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The concert's id.")
        var id: String

        @Option(help: "New start, as for `concert add`.")
        var start: String

        @Option(help: "New end.")
        var end: String?

        @Option(help: "New venue.")
        var venue: String?

        func validate() throws {
            try InputChecks.id(id, "the concert id")
            _ = try params()
        }

        func params() throws -> ConcertRescheduleParams {
            let start = try InputChecks.timestamp(start, option: "--start")
            let end = try end.map { try InputChecks.timestamp($0, option: "--end") }
            if let end, end.instant < start.instant { throw ValidationError("--end is before --start") }
            return ConcertRescheduleParams(id: id, start: start.text, end: end?.text, venue: venue)
        }

        func run(in context: CommandContext) async throws {
            let (result, raw) = try await call(ControlMethods.concertReschedule, try params(), in: context)
            emit(raw, in: context) {
                context.output.line(
                    "rescheduled \(result.concert.id) to \(Display.time(result.concert.start)); \(Display.plural(result.notices, "change notice")) queued"
                )
            }
        }
    }
}

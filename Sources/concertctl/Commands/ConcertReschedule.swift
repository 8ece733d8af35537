import ArgumentParser
import ConcertProtocol

extension ConcertCtl.Concert {
    struct Reschedule: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a concert or change its venue; reminders follow and subscribers are told.",
            discussion: """
                What is not given stays: a new --start alone moves the end by the same amount (a date-only \
                concert keeps its number of days; giving it a start with a time needs --end too), --end or \
                --venue alone keeps the rest. Change notices go only to subscriptions that were already sent a message \
                about the concert; the others learn the new facts from their reminders. A change that leaves the \
                concert as it was queues nothing. A concert of the catalog changed here keeps this version: \
                `concert reset` gives it back to the catalog file.
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The concert's id.")
        var id: String

        @Option(
            parsing: .unconditional,
            help: "New start, as for `concert add`; the end moves with it unless --end is given.")
        var start: String?

        @Option(
            parsing: .unconditional,
            help: "New end, in the same form as the start (a date when the time is not announced).")
        var end: String?

        @Option(
            parsing: .unconditional,
            help: "The venue's new Korean name; the English name stays unless --venue-en is given.")
        var venue: String?

        @Option(
            parsing: .unconditional,
            help: "The venue's new English name; the Korean name stays unless --venue is given.")
        var venueEn: String?

        func validate() throws {
            try InputChecks.id(id, "the concert id")
            guard start != nil || end != nil || venue != nil || venueEn != nil else {
                throw ValidationError("give what changes: --start, --end, --venue or --venue-en")
            }
            _ = try params()
        }

        func params() throws -> ConcertRescheduleParams {
            let start = try start.map { try InputChecks.timestamp($0, option: "--start") }
            let end = try end.map { try InputChecks.timestamp($0, option: "--end") }
            if let start, let end, end.instant < start.instant { throw ValidationError("--end is before --start") }
            return ConcertRescheduleParams(id: id, start: start?.text, end: end?.text, venue: venue, venueEn: venueEn)
        }

        func run(in context: CommandContext) async throws {
            let (result, raw) = try await call(ControlMethods.concertReschedule, try params(), in: context)
            emit(raw, in: context) {
                let summary = Display.change(
                    result, done: "changed \(id)", unchanged: "\(id): nothing changed", notice: "change notice")
                context.output.line("\(summary)")
            }
            for warning in result.warnings { context.output.warning("\(warning)") }
        }
    }
}

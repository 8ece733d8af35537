import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Preview: PagedListingCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every reminder due in a window, rendered, without sending anything.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .unconditional, help: "Window start (default: the daemon's now).")
        var from: String?

        @Option(parsing: .unconditional, help: "Window end (default: seven days after --from).")
        var to: String?

        @Option(parsing: .unconditional, help: "Only reminders of this city's concerts.")
        var city: String?

        @Option(parsing: .unconditional, help: "At most this many (default: all).", transform: InputChecks.limit)
        var limit: Int?

        func validate() throws {
            _ = try params()
            if let city { try InputChecks.id(city, "--city") }
        }

        func params() throws -> PreviewParams {
            let from = try from.map { try InputChecks.timestamp($0, option: "--from") }
            let to = try to.map { try InputChecks.timestamp($0, option: "--to") }
            if let from, let to, to.instant <= from.instant { throw ValidationError("--to must be after --from") }
            return PreviewParams(from: from?.text, to: to?.text, city: city)
        }

        func run(in context: CommandContext) async throws {
            let listed = try await listPages(ControlMethods.preview, try params(), in: context) { reminders, before in
                for (index, reminder) in reminders.enumerated() {
                    if before + index > 0 { context.output.line() }
                    context.output.line(
                        "== \(Display.time(reminder.due))  \(reminder.subscription) → \(reminder.channel)  \(reminder.concert), \(reminder.offset) before [\(reminder.lang)]"
                    )
                    if let subject = reminder.subject { context.output.line("Subject: \(subject)") }
                    context.output.line("\(lines: reminder.body)")
                }
            }
            if listed == 0 && !global.json { context.output.line("no reminders due in the window") }
        }
    }
}

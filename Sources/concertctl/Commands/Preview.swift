import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Preview: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every reminder due in a window, rendered, without sending anything.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Window start (default: the daemon's now).")
        var from: String?

        @Option(help: "Window end (default: seven days after --from).")
        var to: String?

        @Option(help: "Only reminders of this city's concerts.")
        var city: String?

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
            let (result, raw) = try await call(ControlMethods.preview, try params(), in: context)
            emit(raw, in: context) {
                guard !result.reminders.isEmpty else {
                    context.output.line("no reminders due in the window")
                    return
                }
                for (index, reminder) in result.reminders.enumerated() {
                    if index > 0 { context.output.line() }
                    context.output.line(
                        "== \(Display.time(reminder.due))  \(reminder.subscription) → \(reminder.channel)  \(reminder.concert), \(reminder.offset) before [\(reminder.lang)]"
                    )
                    if let subject = reminder.subject { context.output.line("Subject: \(subject)") }
                    context.output.line("\(lines: reminder.body)")
                }
            }
        }
    }
}

import ArgumentParser
import ConcertProtocol

extension ConcertCtl.Concert {
    struct Reset: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a concert changed with concertctl back to the catalog file.",
            discussion: """
                A catalog concert rescheduled or cancelled with concertctl keeps that version: reloads do not \
                apply the file's edits to it (reload says so). This applies the catalog's version in force (after \
                the last reload) and lets later edits apply again; subscribers are told if its time, venue or \
                status changes. A concert added with `concert add` has no catalog version.
                """)

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The concert's id.")
        var id: String

        func validate() throws {
            try InputChecks.id(id, "the concert id")
        }

        func run(in context: CommandContext) async throws {
            let (result, raw) = try await call(ControlMethods.concertReset, ConcertIDParams(id: id), in: context)
            emit(raw, in: context) {
                let summary = Display.change(
                    result, done: "reset \(id) to the catalog",
                    unchanged: "\(id) follows the catalog file again; nothing else changed", notice: "notice")
                context.output.line("\(summary)")
            }
            for warning in result.warnings { context.output.warning("\(warning)") }
        }
    }
}

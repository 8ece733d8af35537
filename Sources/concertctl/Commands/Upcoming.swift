import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Upcoming: PagedListingCommand {
        static let configuration = CommandConfiguration(
            abstract: "List scheduled reminders in due order.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .unconditional, help: "At most this many (default: all).", transform: InputChecks.limit)
        var limit: Int?

        func run(in context: CommandContext) async throws {
            var table = PagedTable.upcoming()
            let listed = try await listPages(ControlMethods.upcoming, UpcomingParams(), in: context) {
                deliveries, before in
                if !deliveries.isEmpty {
                    context.output.line(table.render(PagedTable.upcomingRows(deliveries), before: before))
                }
            }
            if listed == 0 && !global.json { context.output.line("nothing scheduled") }
        }
    }
}

import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Concerts: PagedListingCommand {
        static let configuration = CommandConfiguration(
            abstract: "List upcoming concerts in start order.")

        @OptionGroup var global: GlobalOptions

        @Option(parsing: .unconditional, help: "Only concerts of this city (an id or a name from `cities`).")
        var city: String?

        @Flag(help: "Past and cancelled concerts too.")
        var all = false

        @Option(parsing: .unconditional, help: "At most this many (default: all).", transform: InputChecks.limit)
        var limit: Int?

        func validate() throws {
            if let city { try InputChecks.id(city, "--city") }
        }

        func run(in context: CommandContext) async throws {
            var table = PagedTable("ID", "START", "CITIES", "STATUS", "TITLE")
            let listed = try await listPages(
                ControlMethods.concerts, ConcertsParams(city: city, all: all), in: context
            ) { concerts, before in
                let rows = concerts.map { concert in
                    [
                        concert.id, Display.time(concert.start) + (concert.timeAnnounced ? "" : " (time TBA)"),
                        concert.cities.joined(separator: ","), concert.status,
                        Display.text(concert.title, korean: context.prefersKorean),
                    ]
                }
                if !rows.isEmpty { context.output.line(table.render(rows, before: before)) }
            }
            if listed == 0 && !global.json { context.output.line(all ? "no concerts" : "no upcoming concerts") }
        }
    }
}

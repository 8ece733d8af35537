import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Concerts: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "List upcoming concerts in start order.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Only concerts of this city (an id or a name from `cities`).")
        var city: String?

        @Flag(help: "Past and cancelled concerts too.")
        var all = false

        func validate() throws {
            if let city { try InputChecks.id(city, "--city") }
        }

        func run(in context: CommandContext) async throws {
            let (result, raw) = try await call(
                ControlMethods.concerts, ConcertsParams(city: city, all: all), in: context)
            emit(raw, in: context) {
                guard !result.concerts.isEmpty else {
                    context.output.line(all ? "no concerts" : "no upcoming concerts")
                    return
                }
                var table = TextTable("ID", "START", "CITIES", "STATUS", "TITLE")
                for concert in result.concerts {
                    table.add(
                        concert.id, Display.time(concert.start) + (concert.timeAnnounced ? "" : " (time TBA)"),
                        concert.cities.joined(separator: ","), concert.status,
                        Display.text(concert.title, korean: context.prefersKorean))
                }
                context.output.line(table.render())
            }
        }
    }
}

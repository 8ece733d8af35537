import ArgumentParser
import ConcertProtocol

extension ConcertCtl.Concert {
    struct Add: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a concert; prints its id.",
            discussion: "Times without an offset are Korea time. Subscribers of its cities are told of the new concert."
        )

        @OptionGroup var global: GlobalOptions

        @Option(
            name: .customLong("city"), parsing: .upToNextOption,
            help: "Cities whose subscribers are reminded; the first one hosts it.")
        var cities: [String] = []

        @Option(parsing: .unconditional, help: "The concert's title.")
        var title: String

        @Option(
            parsing: .unconditional,
            help: "Start: 2019-11-02T14:00, 2019-11-02T14:00+09:00, or a date when the time is not announced.")
        var start: String

        @Option(parsing: .unconditional, help: "End, in the same form as --start.")
        var end: String?

        @Option(
            parsing: .unconditional, help: "Where it takes place, used for both languages unless --venue-en is given.")
        var venue: String?

        @Option(parsing: .unconditional, help: "The venue's English name.")
        var venueEn: String?

        @Option(parsing: .unconditional, help: "Who speaks.")
        var speaker: String?

        func validate() throws {
            guard !cities.isEmpty else { throw ValidationError("name at least one --city") }
            for city in cities { try InputChecks.id(city, "--city") }
            try InputChecks.id(title, "--title")
            _ = try params()
        }

        /// The request, with times checked and given the Korea offset when they have none.
        func params() throws -> ConcertAddParams {
            let start = try InputChecks.timestamp(start, option: "--start")
            let end = try end.map { try InputChecks.timestamp($0, option: "--end") }
            if let end, end.instant < start.instant {
                throw ValidationError("--end is before --start")
            }
            return ConcertAddParams(
                cities: cities, title: title, start: start.text, end: end?.text, venue: venue, venueEn: venueEn,
                speaker: speaker)
        }

        func run(in context: CommandContext) async throws {
            let (result, raw) = try await call(ControlMethods.concertAdd, try params(), in: context)
            emit(raw, in: context) {
                context.output.line("\(result.concert.id)")
                context.output.note("added; \(Display.plural(result.notices, "new-concert notice")) queued")
            }
            for warning in result.warnings { context.output.warning("\(warning)") }
        }
    }
}

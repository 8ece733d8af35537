import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Cities: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the municipalities: id, Korean and English name, concert ids.")

        @OptionGroup var global: GlobalOptions

        func run(in context: CommandContext) async throws {
            let (result, raw) = try await call(ControlMethods.cities, NoParams(), in: context)
            emit(raw, in: context) {
                var table = TextTable("ID", "KOREAN", "ENGLISH", "CONCERTS")
                for city in result.cities {
                    table.add(city.id, city.ko, city.en, city.concerts.joined(separator: ","))
                }
                context.output.line(table.render())
            }
        }
    }
}

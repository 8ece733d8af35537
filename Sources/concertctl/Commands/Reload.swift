import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Reload: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-read the configuration and catalog, as SIGHUP does.",
            discussion: "A broken configuration is reported (exit 1) and the old one stays in force.")

        @OptionGroup var global: GlobalOptions

        func run(in context: CommandContext) async throws {
            let (result, raw) = try await call(ControlMethods.reload, NoParams(), in: context)
            emit(raw, in: context) { context.output.line("\(result.summary)") }
            for warning in result.warnings { context.output.warning("\(warning)") }
        }
    }
}

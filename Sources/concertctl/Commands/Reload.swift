import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Reload: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-read the configuration and catalog, as SIGHUP does.",
            discussion: """
                A broken configuration is reported (exit 1) and the old one stays in force. On a \
                PostgreSQL store instances share, a catalog file that did not change since this \
                instance last read it does not replace another catalog in force (one another \
                instance took): the reply says so, and --take-file imports the file all the same. \
                An edited file is taken; on SQLite the file is always taken.
                """)

        @Flag(help: "Import the catalog file even when it is unchanged and another catalog is in force.")
        var takeFile = false

        @OptionGroup var global: GlobalOptions

        func run(in context: CommandContext) async throws {
            let (result, raw) = try await call(
                ControlMethods.reload, ReloadParams(takeFile: takeFile ? true : nil), in: context)
            emit(raw, in: context) { context.output.line("\(result.summary)") }
            for warning in result.warnings { context.output.warning("\(warning)") }
        }
    }
}

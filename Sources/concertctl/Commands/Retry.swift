import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Retry: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a failed delivery again now.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The delivery's id (see `deliveries`).", transform: InputChecks.deliveryID)
        var id: Int64

        func run(in context: CommandContext) async throws {
            let (result, raw) = try await call(ControlMethods.retry, DeliveryIDParams(id: id), in: context)
            emit(raw, in: context) {
                context.output.line(
                    "delivery \(result.delivery.id) is \(result.delivery.state), due \(Display.time(result.delivery.due))"
                )
            }
        }
    }
}

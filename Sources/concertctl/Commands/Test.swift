import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Test: ControlCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a test message to a subscription now and report the receiver's answer.",
            discussion:
                "Waits for the send (see --timeout). Exits 1 when the message was not accepted. An answer of 410 Gone disables the subscription, as it would for a reminder: the output says so, and `concertctl resume ID` brings it back."
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The subscription's id.")
        var id: String

        func validate() throws {
            try InputChecks.id(id, "the subscription id")
        }

        func run(in context: CommandContext) async throws {
            let (result, raw) = try await call(ControlMethods.test, SubscriptionIDParams(id: id), in: context)
            emit(raw, in: context) {
                if result.delivered { context.output.line("\(result.subscription): delivered (\(result.detail))") }
            }
            guard result.delivered else {
                context.output.error("\(result.subscription): not delivered: \(result.detail)")
                if result.subscriptionDisabled == true {
                    context.output.error(
                        "\(result.subscription) is now disabled: the endpoint answered 410 Gone, so nothing more is sent to it. Once the endpoint works again: concertctl resume \(result.subscription)"
                    )
                }
                throw ExitCode.failure
            }
        }
    }
}

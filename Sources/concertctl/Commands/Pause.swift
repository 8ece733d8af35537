import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Pause: SubscriptionChangeCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop a subscription's reminders until `resume`.")
        static let method = ControlMethods.pause

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The subscription's id.")
        var id: String

        static func summary(_ result: SubscriptionChangeResult) -> HumanText {
            "paused \(result.subscription.id); \(Display.plural(result.skipped, "pending reminder")) skipped"
        }
    }
}

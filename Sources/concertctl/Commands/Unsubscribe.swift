import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Unsubscribe: SubscriptionChangeCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a subscription; pending reminders are skipped, history is kept.")
        static let method = ControlMethods.unsubscribe

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The subscription's id.")
        var id: String

        static func summary(_ result: SubscriptionChangeResult) -> HumanText {
            "removed \(result.subscription.id); \(Display.plural(result.skipped, "pending reminder")) skipped"
        }
    }
}

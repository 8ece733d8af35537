import ArgumentParser
import ConcertProtocol

extension ConcertCtl {
    struct Resume: SubscriptionChangeCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restart a paused subscription's reminders (also one disabled after 410 Gone).")
        static let method = ControlMethods.resume

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The subscription's id.")
        var id: String

        static func summary(_ result: SubscriptionChangeResult) -> HumanText {
            "resumed \(result.subscription.id); \(Display.plural(result.scheduled, "reminder")) scheduled"
        }
    }
}

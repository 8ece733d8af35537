import ArgumentParser

extension ConcertCtl {
    /// `concert add|reschedule|cancel|reset`: change the concerts; subscribers' reminders and notices follow.
    struct Concert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add, reschedule, cancel or reset a concert.",
            subcommands: [Add.self, Reschedule.self, Cancel.self, Reset.self])
    }
}

import ArgumentParser

extension ConcertCtl {
    /// `concert add|reschedule|cancel`: change the catalog; subscribers' reminders and notices follow.
    struct Concert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add, reschedule or cancel a concert.",
            subcommands: [Add.self, Reschedule.self, Cancel.self])
    }
}

import ConcertCore
import Logging

extension Daemon {
    /// When a reload removes `smtp_url` while email subscriptions are active: a warning naming
    /// how many, logged too, since their reminders are held (not lost, not sent) until email is
    /// configured again. Empty otherwise.
    func emailTurnedOffWarning(
        from old: DaemonConfiguration, to new: DaemonConfiguration, requester: Requester
    ) -> [String] {
        guard old.smtpURL != nil, new.smtpURL == nil else { return [] }
        let count: Int
        do {
            count = try database.activeEmailSubscriptionCount()
        } catch {
            let warning =
                "smtp_url was removed: reminders of email subscriptions are held until it is set again (they could not be counted: \(error))"
            logger.warning("\(warning)", metadata: requester.metadata)
            return [warning]
        }
        guard count > 0 else { return [] }
        let subscriptions = count == 1 ? "1 email subscription is" : "\(count) email subscriptions are"
        let warning =
            "smtp_url was removed while \(subscriptions) active: their reminders are held (status shows smtp failing) until smtp_url and mail_from are set again"
        logger.warning("\(warning)", metadata: requester.metadata.merging(["count": "\(count)"]) { $1 })
        return [warning]
    }
}

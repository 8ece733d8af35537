/// A reload: new catalog, channels, limits or retry policy, taken on the scheduler's queue.
extension DeliveryScheduler {
    /// Replaces the catalog (cities and info URL used in messages) after a reload.
    public func update(catalog: Catalog) {
        queue.async {
            self.messages.catalog = catalog
            self.forgetMessages()
        }
    }

    /// Replaces channels and limits after a reload; sends in flight finish on the old channels.
    public func update(channels: [String: any Channel], limits: SendLimits, retry: RetryPolicy) {
        queue.async {
            self.channels = channels
            self.limits = limits
            self.policy.retry = retry
            self.policy.forgetFailures()
            self.publishGauges()
            self.forgetMessages()
            self.sendDue()
        }
    }
}

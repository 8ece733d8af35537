/// What changed under the scheduler, taken on its queue: the outbox (`wake`), or, at a reload, the
/// catalog, the channels, the limits or the retry policy.
extension DeliveryScheduler {
    /// Something changed in the database (a subscription, a concert, a retry): re-plan now.
    public func wake() {
        queue.async {
            self.forgetMessages()
            self.sendDue()
        }
    }

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

    /// Drops cached concerts and shared message parts: the concerts, the catalog or the channels changed.
    func forgetMessages() {
        messages.removeAll()
        ready.removeAll()
        catchUp.forgetBounds()
    }
}

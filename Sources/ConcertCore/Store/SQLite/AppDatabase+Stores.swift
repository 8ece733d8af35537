extension AppDatabase: OutboxStore, ConcertStore, SubscriptionStore, DeliveryHistoryStore, StoreMaintenance,
    WebFrontDoorStore
{}

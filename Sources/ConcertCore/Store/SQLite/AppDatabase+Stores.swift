extension AppDatabase: SendingStore, ConcertStore, SubscriptionStore, DeliveryHistoryStore, StoreMaintenance,
    WebFrontDoorStore
{}

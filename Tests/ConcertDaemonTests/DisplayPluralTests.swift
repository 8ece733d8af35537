import Testing

@testable import concertctl

/// concertctl's counted nouns are spelt as English spells their plurals ("6 tries", not "6 trys").
@Suite struct DisplayPluralTests {
    @Test(arguments: [
        (1, "try", "1 try"), (6, "try", "6 tries"), (2, "retry", "2 retries"), (2, "delivery", "2 deliveries"),
        (2, "day", "2 days"), (2, "key", "2 keys"), (0, "subscription", "0 subscriptions"),
        (2, "pending reminder", "2 pending reminders"), (2, "address", "2 addresses"), (2, "batch", "2 batches"),
        (2, "box", "2 boxes"), (2, "crash", "2 crashes"),
    ])
    func aCountedNounIsSpeltAsEnglishSpellsIt(count: Int, noun: String, expected: String) {
        #expect(Display.plural(count, noun) == expected)
    }
}

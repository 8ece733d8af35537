import ConcertCore
import Foundation
import Testing

@testable import ConcertDaemon

@Suite(.timeLimit(.minutes(1)))
struct StagedImportFileTests {
    struct Stop: Error {}

    static func records(_ range: Range<Int>) -> [StagedImportFile.Record] {
        range.map { index in
            let channel: ChannelAddress =
                index % 2 == 0
                ? .email("user\(index)@example.org")
                : .webhook(url: "http://127.0.0.1:9/hook/\(index)", format: "generic", secret: "whsec_\(index)")
            return StagedImportFile.Record(
                line: index + 1, id: "sub-abcde\(index)",
                subscription: NewSubscription(
                    channel: channel, cities: index % 3 == 0 ? ["busan", "gimhae"] : ["seoul"],
                    offsets: [ReminderOffset(seconds: 86_400), ReminderOffset(seconds: 3600)],
                    language: index % 5 == 0 ? .en : .ko, label: index % 7 == 0 ? "label \(index) é" : nil),
                generatedSecret: index % 2 == 1 && index % 11 == 0 ? "whsec_\(index)" : nil)
        }
    }

    static func staged(_ count: Int) throws -> (StagedImportFile, [StagedImportFile.Record]) {
        let file = try StagedImportFile(directory: NSTemporaryDirectory())
        let records = records(0..<count)
        // Several chunks, as the stage requests append them.
        for start in stride(from: 0, to: count, by: 7_000) {
            try file.append(Array(records[start..<min(start + 7_000, count)]))
        }
        return (file, records)
    }

    @Test(arguments: [0, 1, 2_047, 2_048, 2_049, 40_000])
    func everyRecordIsReadBackInOrder(count: Int) throws {
        let (file, records) = try Self.staged(count)
        #expect(file.count == count)
        var read: [StagedImportFile.Record] = []
        try file.readRecords { read.append($0) }
        #expect(read.count == count)
        for (got, want) in zip(read, records) {
            #expect(got.line == want.line)
            #expect(got.id == want.id)
            #expect(got.subscription == want.subscription)
            #expect(got.generatedSecret == want.generatedSecret)
        }
    }

    @Test func anErrorOfTheCommitStopsTheReadingAndIsThrown() throws {
        let (file, _) = try Self.staged(30_000)
        var seen = 0
        #expect(throws: Stop.self) {
            try file.readRecords { _ in
                seen += 1
                if seen == 5_000 { throw Stop() }
            }
        }
        #expect(seen == 5_000)
        // The file can be read again afterwards, from its start.
        var again = 0
        try file.readRecords { _ in again += 1 }
        #expect(again == 30_000)
    }
}

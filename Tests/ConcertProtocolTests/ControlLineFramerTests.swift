import ConcertProtocol
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ControlLineFramerTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func linesSplitAcrossReadsAreJoined() {
        var framer = ControlLineFramer()
        #expect(framer.append(bytes("{\"a\"")) == [])
        #expect(framer.append(bytes(":1}\n{\"b\":2}\r\n{")) == [.line(bytes("{\"a\":1}")), .line(bytes("{\"b\":2}"))])
        #expect(framer.bufferedByteCount == 1)
    }

    @Test func aCarriageReturnSplitFromItsNewlineIsStillDropped() {
        var framer = ControlLineFramer(maximumLineLength: 4)
        #expect(framer.append(bytes("abcd\r")) == [])
        #expect(framer.append(bytes("\n")) == [.line(bytes("abcd"))])
    }

    @Test func aLineOfExactlyTheLimitPassesAndOneByteMoreIsTooLong() {
        var framer = ControlLineFramer(maximumLineLength: 8)
        #expect(framer.append(bytes("12345678\n")) == [.line(bytes("12345678"))])
        #expect(framer.append(bytes("123456789\n")) == [.tooLong])
    }

    @Test func anOverlongLineWithoutNewlineIsCaughtBeforeItsEnd() {
        var framer = ControlLineFramer(maximumLineLength: 8)
        #expect(framer.append(bytes("12345")) == [])
        #expect(framer.append(bytes("67890")) == [.tooLong])
        #expect(framer.isOverLimit)
    }

    @Test func completeLinesBeforeAnOverlongOneAreKeptAndNothingFollowsIt() {
        var framer = ControlLineFramer(maximumLineLength: 4)
        #expect(framer.append(bytes("ok\nfar too long\nok\n")) == [.line(bytes("ok")), .tooLong])
        #expect(framer.append(bytes("ok\n")) == [])
        #expect(framer.finish() == [])
    }

    @Test func theLastLineWithoutNewlineCountsAtEndOfInput() {
        var framer = ControlLineFramer()
        #expect(framer.append(bytes("{}\n{\"x\":1}")) == [.line(bytes("{}"))])
        #expect(framer.finish() == [.line(bytes("{\"x\":1}"))])
        #expect(framer.finish() == [])
    }

    @Test func randomChunkingGivesTheSameLines() {
        var generator = SystemRandomNumberGenerator()
        let text = (0..<200).map { "{\"id\":\($0),\"pad\":\"\(String(repeating: "x", count: $0 % 37))\"}" }
        let stream = bytes(text.joined(separator: "\n") + "\n")
        for _ in 0..<50 {
            var framer = ControlLineFramer()
            var lines: [ControlLineFramer.Frame] = []
            var index = 0
            while index < stream.count {
                let size = Int.random(in: 1...300, using: &generator)
                let end = min(stream.count, index + size)
                lines += framer.append(stream[index..<end])
                index = end
            }
            #expect(lines == text.map { .line(bytes($0)) })
        }
    }
}

import ConcertProtocol
import Foundation
import Testing

@testable import concertctl

@Suite(.timeLimit(.minutes(1)))
struct ImportChunksTests {
    @Test func aLineIsMeasuredAsTheEncoderEncodesIt() throws {
        let encoder = JSONCoding.lineEncoder()
        var texts = [
            "", #"{"cities":["busan"],"email":"a@example.org","before":"7d,1d"}"#, #"a\"b\\c/d"#,
            "\u{0}\u{1}\u{1f}\u{7f}",
            "\u{8}\u{9}\u{a}\u{c}\u{d}\u{b}", "é한🎵\u{2028}\u{2029}\u{FEFF}\u{200B}", "\r\n",
        ]
        // Every scalar of the first plane, a few hundred at a time, and some beyond.
        var scalars = (0...0xFFFF).compactMap(Unicode.Scalar.init(_:)) + [Unicode.Scalar(0x1F3B5)!, "\u{10FFFF}"]
        while !scalars.isEmpty {
            var text = String.UnicodeScalarView()
            text.append(contentsOf: scalars.prefix(500))
            texts.append(String(text))
            scalars.removeFirst(min(500, scalars.count))
        }
        for text in texts {
            #expect(ImportChunks.encodedLength(text) == (try encoder.encode(text)).count, "\(text.prefix(20))")
        }
    }

    @Test(arguments: [
        "", "a", "a\n", "\n", "\n\n", "a\r\nb\nc\n\n", "\r\n\r\n", "\r\r\n\n", "x\n\u{301}y", "🎵\n한\r", "a\nb",
    ])
    func linesAreSplitAsComponentsSplitsThem(_ text: String) {
        #expect(ImportChunks.lines(of: text) == text.components(separatedBy: "\n"))
    }

    @Test func aRequestLineIsTheEncodedRequest() throws {
        let encoder = JSONCoding.lineEncoder()
        let lines = [#"{"cities":["busan"],"webhook":"http://h/x?a=1&b=2","secret":"s"}"#, "", "\u{1}é/\\\""]
        let stage = SubscribeBulkStageParams(batch: "batch-x", firstLine: 3, lines: lines)
        #expect(
            try ControlRequest.encodedLine(id: .number(1), method: ControlMethods.subscribeBulkStage, params: stage)
                == encoder.encode(
                    ControlRequest(id: .number(1), method: ControlMethods.subscribeBulkStage, params: stage)))
        let subscribe = SubscribeParams(cities: ["busan"], email: "a@example.org", before: ["7d"], quiet: true)
        #expect(
            try ControlRequest.encodedLine(id: .string("x"), method: ControlMethods.subscribe, params: subscribe)
                == encoder.encode(ControlRequest(id: .string("x"), method: ControlMethods.subscribe, params: subscribe))
        )
        #expect(
            try ControlRequest.encodedLine(id: .number(7), method: ControlMethods.status, params: NoParams())
                == encoder.encode(ControlRequest(id: .number(7), method: ControlMethods.status, params: NoParams())))
    }
}

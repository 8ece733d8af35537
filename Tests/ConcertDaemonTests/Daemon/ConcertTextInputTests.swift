import ConcertCore
import ConcertProtocol
import Foundation
import Testing

@testable import ConcertDaemon

/// `concert add` and `reschedule` refuse what the docs rule out: an end after 2099, control
/// characters in a title, venue, speaker or city, a blank speaker.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ConcertTextInputTests {
    let changes = ConcertChangeTests()

    func reply(_ daemon: TestDaemon, _ method: String, _ params: String) throws -> ControlError? {
        let client = try RawControlClient(path: daemon.socketPath)
        _ = client.send(line: #"{"jsonrpc":"2.0","id":1,"method":"\#(method)","params":\#(params)}"#)
        guard case .failure(let error) = try client.readReply().outcome else { return nil }
        return error
    }

    @Test func anEndPastTheLastYearIsRefusedEvenWhenTheDaemonChoseIt() async throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let add = await changes.ctl(
            daemon, "concert", "add", "--city", "busan", "--title", "T", "--start", "2099-12-31T23:30")
        #expect(add.status == 1, "\(add.output)")
        #expect(add.error.contains("2100"), "\(add.error)")
        // Moved with its start, an eight-hour concert would end in 2100 too.
        let moved = await changes.ctl(daemon, "concert", "reschedule", "busan-2019", "--start", "2099-12-31T20:00")
        #expect(moved.status == 1, "\(moved.output)")
        let dateOnly = await changes.ctl(daemon, "concert", "reschedule", "sejong-2019", "--start", "2099-12-31")
        #expect(dateOnly.status == 1, "Sejong's two days would end on 2100-01-01: \(dateOnly.output)")
    }

    @Test(arguments: [
        #""venue":"\u0000""#, #""venue":"벡스코\u001b[2J""#, #""venue_en":"BEXCO\u0007""#, #""title":"T\nX""#,
        #""speaker":"\u009b31m""#, #""speaker":"   ""#, #""title":"T\u202Egnp.exe""#, #""venue":"벡스코\u2066""#,
        #""venue_en":"BEXCO\u200F""#, #""speaker":"A\u202A""#,
    ])
    func controlCharactersInANameAreInvalidInput(_ field: String) throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        var params = #"{"cities":["busan"],"title":"T","start":"2019-12-20T14:00:00+09:00""#
        if field.hasPrefix(#""title""#) {
            params = #"{"cities":["busan"],\#(field),"start":"2019-12-20T14:00:00+09:00"}"#
        } else {
            params += ",\(field)}"
        }
        let error = try #require(try reply(daemon, "concert.add", params), "\(field) was accepted")
        #expect(error.code == .invalidInput, "\(error)")
        if !field.contains("   ") {
            let named = ["control character", "bidirectional control"].contains {
                error.message.contains("holds the \($0) U+")
            }
            #expect(named, "\(error.message)")
        }
        if field.hasPrefix(#""venue"#) {
            let reschedule = try #require(
                try reply(daemon, "concert.reschedule", #"{"id":"busan-2019",\#(field)}"#), "\(field) was accepted")
            #expect(reschedule.code == .invalidInput)
        }
    }

    @Test func aCityWithAControlCharacterIsInvalidInputNamingIt() throws {
        let daemon = try TestDaemon()
        defer { daemon.remove() }
        let error = try #require(
            try reply(
                daemon, "concert.add", #"{"cities":["busan\u0000"],"title":"T","start":"2019-12-20T14:00:00+09:00"}"#))
        #expect(error.code == .invalidInput)
        #expect(error.message.contains("U+0000"), "\(error.message)")
        let bidi = try #require(
            try reply(
                daemon, "concert.add", #"{"cities":["busan\u202E"],"title":"T","start":"2019-12-20T14:00:00+09:00"}"#))
        #expect(bidi.code == .invalidInput)
        #expect(bidi.message.contains("a city holds the bidirectional control U+202E"), "\(bidi.message)")
    }
}

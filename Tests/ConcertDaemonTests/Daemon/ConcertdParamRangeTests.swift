import ConcertProtocol
import Foundation
import Testing

/// Numbers from a request at the edges of their types, sent to the real `concertd` binary: each is
/// answered with a typed error, and the daemon keeps answering afterwards.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ConcertdParamRangeTests {
    static let subscribeLine =
        #"{\"cities\":[\"busan\"],\"webhook\":\"https://hooks.example.org/x\",\"format\":\"slack\"}"#

    @Test(arguments: [
        ("first_line", "9223372036854775807"), ("first_line", "-1"), ("first_line", "0"),
        ("first_line", "-9223372036854775808"), ("first_line", "9223372036854775000"),
    ])
    func bulkStageWithAnExtremeFirstLineIsRefusedAndTheDaemonStaysUp(field: String, value: String) throws {
        let daemon = try ConcertdProcess()
        defer { daemon.stop() }
        let line =
            #"{"jsonrpc":"2.0","id":1,"method":"subscribe.bulk.stage","params":{"\#(field)":\#(value),"lines":["\#(Self.subscribeLine)"]}}"#
        let reply = daemon.exchange(line)
        #expect(reply?.error?.code == .invalidParams, "\(String(describing: reply))")
        #expect(reply?.error?.field == field)
        #expect(daemon.process.isRunning, "concertd died on first_line \(value)")
        #expect(daemon.answersStatus())
    }

    @Test func extremeNumbersAndDatesOfEveryMethodLeaveTheRealDaemonStanding() throws {
        let daemon = try ConcertdProcess()
        defer { daemon.stop() }
        let requests = [
            #"{"method":"retry","params":{"id":-9223372036854775808}}"#,
            #"{"method":"retry","params":{"id":9223372036854775807}}"#,
            #"{"method":"upcoming","params":{"limit":9223372036854775807}}"#,
            #"{"method":"deliveries","params":{"limit":-9223372036854775808}}"#,
            #"{"method":"preview","params":{"from":"0000-01-01","to":"9999-12-31T23:59:59+14:00"}}"#,
            #"{"method":"concert.add","params":{"cities":["busan"],"title":"T","start":"0000-01-01T00:00+00:00"}}"#,
            #"{"method":"concert.add","params":{"cities":["busan"],"title":"T","start":"9999-12-31T23:00:00-23:59"}}"#,
            #"{"method":"concert.reschedule","params":{"id":"busan-2019","start":"9999-12-31"}}"#,
            #"{"method":"subscribe","params":{"cities":["busan"],"email":"a@example.org","before":["9223372036854775807s"]}}"#,
        ]
        for (index, request) in requests.enumerated() {
            let line = #"{"jsonrpc":"2.0","id":\#(index),"# + request.dropFirst()
            let reply = daemon.exchange(String(line))
            #expect(
                reply?.error != nil && reply?.error?.code != .internalError, "\(request): \(String(describing: reply))")
            #expect(daemon.process.isRunning, "concertd died on \(request)")
        }
        #expect(daemon.answersStatus())
    }
}

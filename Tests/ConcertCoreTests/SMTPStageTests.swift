import Testing

@testable import ConcertCore

@Suite struct SMTPStageTests {
    func stage(_ line: String) -> SMTPStage? {
        Array(line.utf8).withUnsafeBytes { SMTPStage.started(byCommand: $0) }
    }

    @Test(.timeLimit(.minutes(1)))
    func commandsStartTheirStage() {
        #expect(stage("EHLO localhost\r\n") == .hello)
        #expect(stage("HELO localhost\r\n") == .hello)
        #expect(stage("STARTTLS\r\n") == .startTLS)
        #expect(stage("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n") == .auth)
        #expect(stage("MAIL FROM:<a@b.test> SIZE=12\r\n") == .mail)
        #expect(stage("rcpt TO:<c@d.test>\r\n") == .recipient)
        #expect(stage("DATA\r\n") == .data)
    }

    @Test(.timeLimit(.minutes(1)))
    func otherLinesStartNothing() {
        #expect(stage("AGFsaWNlAHNlY3JldA==\r\n") == nil)
        #expect(stage("QUIT\r\n") == nil)
        #expect(stage("") == nil)
    }

    @Test(.timeLimit(.minutes(1)))
    func onlyStagesUpToAuthAreBeforeTheTransaction() {
        #expect(SMTPStage.allCases.filter(\.isBeforeTransaction) == [.connect, .greeting, .hello, .startTLS, .auth])
    }
}

import CCurl
import Testing

@testable import ConcertCore

@Suite struct SMTPStageTests {
    @Test(.timeLimit(.minutes(1)))
    func commandsStartTheirStage() {
        #expect(SMTPStage(command: "EHLO") == .hello)
        #expect(SMTPStage(command: "HELO") == .hello)
        #expect(SMTPStage(command: "STARTTLS") == .startTLS)
        #expect(SMTPStage(command: "AUTH") == .auth)
        #expect(SMTPStage(command: "MAIL") == .mail)
        #expect(SMTPStage(command: "RCPT") == .recipient)
        #expect(SMTPStage(command: "DATA") == .data)
        #expect(SMTPStage(command: "QUIT") == nil)
        #expect(SMTPStage(command: "") == nil)
    }

    @Test(.timeLimit(.minutes(1)))
    func theConversationSaysHowFarItGotAndTheReplyBeforeQuit() {
        #expect(SMTPStage.reached(in: []) == (.connect, nil))
        #expect(
            SMTPStage.reached(in: [.reply("220 mail.example.org ESMTP")]) == (.greeting, "220 mail.example.org ESMTP"))
        let refused: [TransferResult.Line] = [
            .reply("220 hi"), .command("EHLO"), .reply("250 SIZE 1000"), .command("MAIL"), .reply("250 ok"),
            .command("RCPT"), .reply("550 5.1.1 no such user"), .command("QUIT"), .reply("221 bye"),
        ]
        #expect(SMTPStage.reached(in: refused) == (.recipient, "550 5.1.1 no such user"))
        let uploading: [TransferResult.Line] = [
            .command("MAIL"), .reply("250 ok"), .command("RCPT"), .reply("250 ok"), .command("DATA"),
            .reply("354 go ahead"), .uploadStarted,
        ]
        #expect(SMTPStage.reached(in: uploading) == (.message, "354 go ahead"))
    }

    @Test(.timeLimit(.minutes(1)))
    func theTransportKeepsOnlyTheReportedVerbsNeverACredential() throws {
        let easy = try #require(EasyHandle())
        easy.reportedCommands = SMTPStage.reportedCommands
        func send(_ line: String) {
            var bytes = Array(line.utf8).map { CChar(bitPattern: $0) }
            easy.observe(CURLINFO_HEADER_OUT, &bytes, count: bytes.count)
        }
        func receive(_ line: String) {
            var bytes = Array(line.utf8).map { CChar(bitPattern: $0) }
            easy.observe(CURLINFO_HEADER_IN, &bytes, count: bytes.count)
        }
        receive("220 hi\r\n")
        send("EHLO localhost\r\n")
        receive("250-mail.example.org\r\n")
        receive("250 AUTH PLAIN\r\n")
        send("AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n")
        send("AHUAcA==\r\n")
        send("MAILBOX\r\n")
        send("rcpt TO:<c@d.test>\r\n")

        #expect(
            easy.conversation == [
                .reply("220 hi"), .command("EHLO"), .reply("250 AUTH PLAIN"), .command("AUTH"), .command("RCPT"),
            ])
    }

    @Test(.timeLimit(.minutes(1)))
    func onlyStagesUpToAuthAreBeforeTheTransaction() {
        #expect(SMTPStage.allCases.filter(\.isBeforeTransaction) == [.connect, .greeting, .hello, .startTLS, .auth])
    }
}

/// Turns what happened to an SMTP submission into the channel's verdict.
///
/// Whom a failure is about decides: anything up to and including AUTH (connecting, TLS, the greeting,
/// EHLO, STARTTLS, credentials) and any 421 is the smarthost's (`destinationFailed`); a reply to the
/// message's own commands is the message's: 4xx `retryable`, 5xx to RCPT, DATA or the message
/// `permanent`. A 5xx to MAIL FROM refuses the configured envelope sender, so it is the smarthost's,
/// except 552 (the message is too large). A broken connection or a timeout during the transaction is
/// the smarthost's too. libcurl stops at the first refused recipient, so a message goes to all of its
/// recipients or to none.
public enum SMTPVerdict {
    /// The verdict on `result` of an SMTP transfer.
    public static func outcome(of result: TransferResult) -> DeliveryOutcome {
        let stage = result.smtpStage ?? .connect
        let code = result.responseCode
        let reply = result.lastReply ?? (code > 0 ? "\(code)" : "")
        guard let failure = result.failure else {
            return .sent(detail: reply.isEmpty ? "SMTP \(code)" : reply)
        }
        let error = describe(result, stage: stage, reply: reply)
        switch failure.kind {
        case .invalidRequest:
            return .permanent(error: error)
        case .stopped:
            return .retryable(error: error, retryAfter: nil)
        default:
            break
        }
        guard failure.kind == .rejected || (failure.kind == .unexpectedReply && stage == .message) else {
            return .destinationFailed(error: error, retryAfter: nil)
        }
        switch code {
        case 421:
            return .destinationFailed(error: error, retryAfter: nil)
        case 400..<500:
            return .retryable(error: error, retryAfter: nil)
        case 552 where stage == .mail:
            return .permanent(error: error)
        case 500..<600 where stage == .mail:
            return .destinationFailed(error: error, retryAfter: nil)
        case 500..<600:
            return .permanent(error: error)
        default:
            return .destinationFailed(error: error, retryAfter: nil)
        }
    }

    /// `<what failed>: <server reply or libcurl message>`.
    static func describe(_ result: TransferResult, stage: SMTPStage, reply: String) -> String {
        let what: String
        switch result.failure?.kind {
        case .rejected?, .unexpectedReply?:
            what = "\(stageName(stage)) refused"
        case .loginDenied?:
            what = "authentication refused"
        case .tlsUnavailable?:
            what = "STARTTLS is required but the server does not offer it"
        default:
            what = result.message.isEmpty ? "\(stageName(stage)) failed" : result.message
        }
        let replied = result.responseCode >= 400 && !reply.isEmpty
        return replied && !what.contains(reply) ? "\(what): \(reply)" : what
    }

    static func stageName(_ stage: SMTPStage) -> String {
        switch stage {
        case .connect: "connection to the SMTP server"
        case .greeting: "SMTP greeting"
        case .hello: "EHLO"
        case .startTLS: "STARTTLS"
        case .auth: "AUTH"
        case .mail: "envelope sender (MAIL FROM)"
        case .recipient: "recipient (RCPT TO)"
        case .data: "DATA"
        case .message: "message"
        }
    }
}

/// The rules that turn what happened to an SMTP submission into the channel's ``Verdict``.
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
    public static func verdict(of result: TransferResult) -> Verdict {
        let (stage, lastReply) = SMTPStage.reached(in: result.conversation)
        return verdict(
            failure: result.failure, stage: stage, code: result.responseCode, lastReply: lastReply,
            message: result.message)
    }

    /// The verdict on a transfer that ended with `failure` (`nil`: none) at `stage`, with the
    /// server's last reply code and line and libcurl's message.
    static func verdict(
        failure: TransferFailure?, stage: SMTPStage, code: Int, lastReply: String?, message: String
    ) -> Verdict {
        let reply = lastReply ?? (code > 0 ? "\(code)" : "")
        guard let failure else {
            return .sent(detail: reply.isEmpty ? "SMTP \(code)" : reply)
        }
        // libcurl reports a command of the transaction that the server refused as a send error.
        let refused =
            (failure == .sendFailed && code >= 400 && !stage.isBeforeTransaction)
            || (failure == .unexpectedReply && stage == .message)
        let error = describe(
            failure: failure, refused: refused, stage: stage, code: code, reply: reply, message: message)
        switch failure {
        case .invalidRequest:
            return .permanent(error: error)
        case .stopped:
            return .retryable(error: error, retryAfter: nil)
        default:
            break
        }
        guard refused else {
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
    static func describe(
        failure: TransferFailure, refused: Bool, stage: SMTPStage, code: Int, reply: String, message: String
    ) -> String {
        let what: String
        if refused || failure == .unexpectedReply {
            what = "\(stageName(stage)) refused"
        } else if failure == .loginDenied {
            what = "authentication refused"
        } else if failure == .tlsUnavailable {
            what = "STARTTLS is required but the server does not offer it"
        } else if failure == .tls {
            what = tlsProblem(message)
        } else {
            what = message.isEmpty ? "\(stageName(stage)) failed" : message
        }
        let replied = code >= 400 && !reply.isEmpty
        return replied && !what.contains(reply) ? "\(what): \(reply)" : what
    }

    /// What a failed TLS handshake with the smarthost means and the key that fixes it, from
    /// libcurl's message (`SSL certificate problem: unable to get local issuer certificate`).
    ///
    /// STARTTLS is used whenever offered, so a relay with a certificate from a private CA fails
    /// here until `smtp_ca_bundle` names that CA: the text says so where `status` shows it.
    static func tlsProblem(_ message: String) -> String {
        let certificatePrefix = "SSL certificate problem: "
        if let range = message.range(of: certificatePrefix) {
            let reason = String(message[range.upperBound...])
            let unknownIssuer = ["issuer", "self-signed", "self signed", "unable to verify the first certificate"]
                .contains { reason.contains($0) }
            let advice = unknownIssuer ? ": set smtp_ca_bundle to the CA that signed it" : ""
            return "the smarthost's TLS certificate could not be verified (\(reason))\(advice)"
        }
        if message.contains("subject name") || message.contains("does not match target host") {
            return
                "the smarthost's TLS certificate is not for the host in smtp_url (\(message)): write in smtp_url the host name the certificate was issued for"
        }
        if message.hasPrefix("error setting certificate") {
            return "the CA bundle for the smarthost (smtp_ca_bundle) cannot be used (\(message))"
        }
        return message.isEmpty ? "TLS with the smarthost failed" : "TLS with the smarthost failed: \(message)"
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

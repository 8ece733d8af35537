import Foundation

/// The receiver's answer to a delivery's last attempt.
public struct AttemptReply: Sendable, Hashable {
    /// When the answer came.
    public var finishedAt: Date
    /// The answer: `HTTP 204`, `250 2.0.0 Ok: queued as …`, or the error of a failed attempt.
    public var detail: String?

    public init(finishedAt: Date, detail: String?) {
        self.finishedAt = finishedAt
        self.detail = detail
    }

    /// The status code at the head of `detail`: the HTTP status of `HTTP 204: …`, the SMTP reply
    /// code of `250 2.0.0 Ok` or `SMTP 250`; `nil` when the attempt got no such answer.
    public var code: Int? {
        guard let detail else { return nil }
        var text = Substring(detail)
        for prefix in ["HTTP ", "SMTP "] where text.hasPrefix(prefix) {
            text = text.dropFirst(prefix.count)
        }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard digits.count == 3 else { return nil }
        let next: Character = text.dropFirst(3).first ?? " "
        guard next == " " || next == ":" || next == "-" else { return nil }
        return Int(digits)
    }
}

import Foundation

extension WebhookSettings {
    /// The verdict on a POST (``HTTPVerdict``), its text (a quoted response body, libcurl's
    /// message) cleared of `secrets` (the URL and signing secret the request was made with) and of
    /// the daemon's own, in whatever form the receiver echoed them.
    ///
    /// The one place where a webhook verdict is redacted: the reminders' channel and the web front
    /// door's confirmation post both call it. A `sent` verdict's text is the status alone: it is
    /// returned as it is, and `secrets` is not even evaluated, so that a fan-out's successes
    /// allocate nothing here.
    public func verdict(of result: TransferResult, hiding secrets: @autoclosure () -> [String]) -> Verdict {
        let verdict = HTTPVerdict.verdict(of: result, now: Date())
        if case .sent = verdict { return verdict }
        return verdict.redacted(by: redactor.hiding(secrets()))
    }
}

import Foundation

extension SecretRedactor {
    /// The SMTP password and the forms it crosses the wire in, which a smarthost may quote back
    /// in a refusal (`535 5.7.8 bad credentials AGJvYgBwdy0uLi4=`) that reaches `status`, a
    /// delivery's `last_error` and the journal.
    ///
    /// libcurl sends the password base64-encoded: `AUTH PLAIN` as `authzid\0user\0password`
    /// (libcurl leaves the authorization identity empty; some clients repeat the user), `AUTH
    /// LOGIN` as the password alone. Beside those exact forms, the run of base64 characters that
    /// only the password's bytes determine, at each of the three alignments a 3-byte group can
    /// give it, hides it inside any other base64 text (`XOAUTH2`, an authorization identity);
    /// only for a password long enough that this run has 8 characters or more, so that a short
    /// one does not mask ordinary words. CRAM-MD5 and DIGEST-MD5 send a digest, from which the
    /// password cannot be read. The user name is not hidden: `status` shows it in the smarthost's
    /// URL.
    public static func smtpCredentialForms(user: String?, password: String) -> [String] {
        guard !password.isEmpty else { return [] }
        let secret = Array(password.utf8)
        var forms = [password, Data(secret).base64EncodedString()]
        let user = Array((user ?? "").utf8)
        forms.append(Data([0] + user + [0] + secret).base64EncodedString())
        if !user.isEmpty { forms.append(Data(user + [0] + user + [0] + secret).base64EncodedString()) }
        for offset in 0..<3 {
            let encoded = Array(Data(Array(repeating: 0, count: offset) + secret).base64EncodedString().utf8)
            // Character j holds bits 6j..<6j+6; the password's bits are 8·offset..<8·(offset+count).
            let first = (8 * offset + 5) / 6
            let end = 8 * (offset + secret.count) / 6
            guard end - first >= 8, end <= encoded.count else { continue }
            forms.append(String(decoding: encoded[first..<end], as: UTF8.self))
        }
        var unique: [String] = []
        for form in forms where !unique.contains(form) { unique.append(form) }
        return unique
    }
}

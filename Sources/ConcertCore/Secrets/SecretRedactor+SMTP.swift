import Foundation

extension SecretRedactor {
    /// The SMTP password and the forms it crosses the wire in, which a smarthost may quote back
    /// in a refusal (`535 5.7.8 bad credentials AGJvYgBwdy0uLi4=`) that reaches `status`, a
    /// delivery's `last_error` and the journal.
    ///
    /// libcurl sends the password base64-encoded: `AUTH PLAIN` as `authzid\0user\0password`
    /// (libcurl leaves the authorization identity empty; some clients repeat the user), `AUTH
    /// LOGIN` as the password alone. These forms are given standard and URL-safe; the redactor
    /// adds the password's own hex and base64 forms, inside any longer encoded text too (see
    /// ``SecretRedactor/base64Forms(of:)``), as for every secret. CRAM-MD5 and DIGEST-MD5 send
    /// a digest, from which the password cannot be read. The user name is not hidden: `status`
    /// shows it in the smarthost's URL.
    public static func smtpCredentialForms(user: String?, password: String) -> [String] {
        guard !password.isEmpty else { return [] }
        let secret = Array(password.utf8)
        var forms = [password]
        let user = Array((user ?? "").utf8)
        var plain = [Data([0] + user + [0] + secret).base64EncodedString()]
        if !user.isEmpty { plain.append(Data(user + [0] + user + [0] + secret).base64EncodedString()) }
        for form in plain {
            forms += [form, String(form.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 }.filter { $0 != "=" })]
        }
        var unique: [String] = []
        for form in forms where !unique.contains(form) { unique.append(form) }
        return unique
    }
}

import Foundation
import Testing

@testable import ConcertCore

/// A chat service's webhook URL and the parts of it that are secret.
struct WebhookShape: Sendable, CustomTestStringConvertible {
    var kind: String
    /// The format such a URL is subscribed with.
    var format: String
    var url: String
    /// Substrings that must never be shown.
    var secrets: [String]
    /// What the masked form keeps: the scheme and host.
    var shown: String

    var testDescription: String { kind }
}

@Suite(.timeLimit(.minutes(1)))
struct SecretRedactorTests {
    static let shapes: [WebhookShape] = [
        .init(
            kind: "slack", format: "slack",
            url: "https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/XXXXXXXXXXXXXXXXXXXXXXXX",
            secrets: ["T0AAAAAAA", "B0BBBBBBB", "XXXXXXXXXXXXXXXXXXXXXXXX"], shown: "https://hooks.slack.com"),
        .init(
            kind: "discord", format: "discord",
            url: "https://discord.com/api/webhooks/123456789012345678/AbCdEf-token_0123456789",
            secrets: ["123456789012345678", "AbCdEf-token_0123456789"], shown: "https://discord.com"),
        .init(
            kind: "telegram", format: "telegram",
            url: "https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage?chat_id=-100123",
            secrets: ["123456789", "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "-100123"], shown: "https://api.telegram.org"),
        .init(
            kind: "dooray", format: "dooray",
            url: "https://hook.dooray.com/services/3204376758577275363/3514081992077299709/HOTTporbR6CBAVodltB-Dw",
            secrets: ["3204376758577275363", "3514081992077299709", "HOTTporbR6CBAVodltB-Dw"],
            shown: "https://hook.dooray.com"),
        .init(
            kind: "jandi", format: "jandi",
            url: "https://wh.jandi.com/connect-api/webhook/11716082/a76ad35760d264ff84ddc964e35efa2f",
            secrets: ["11716082", "a76ad35760d264ff84ddc964e35efa2f"], shown: "https://wh.jandi.com"),
        .init(
            kind: "kakaowork (bot hook)", format: "kakaowork",
            url: "https://kakaowork.com/bots/hook/4a5be71f2c424dfa8a6926ddfbd75ebe",
            secrets: ["4a5be71f2c424dfa8a6926ddfbd75ebe"], shown: "https://kakaowork.com"),
        .init(
            kind: "kakaowork (api)", format: "kakaowork",
            url: "https://api.kakaowork.com/v1/incoming_webhooks/5d1e4f0b9c2a7e3f8a6b",
            secrets: ["5d1e4f0b9c2a7e3f8a6b"], shown: "https://api.kakaowork.com"),
        .init(
            kind: "teams (connector)", format: "teams",
            url:
                "https://contoso.webhook.office.com/webhookb2/0f5e1b2c-aaaa-bbbb-cccc-0123456789ab@72f988bf-86f1-41af-91ab-2d7cd011db47/IncomingWebhook/5b0c3c1f9e2d4a8b/0e0e0e0e-1111-2222-3333-444444444444/V2abcdefSECRET",
            secrets: ["0f5e1b2c-aaaa", "IncomingWebhook/5b0c3c1f9e2d4a8b", "V2abcdefSECRET"],
            shown: "https://contoso.webhook.office.com"),
        .init(
            kind: "teams (workflows)", format: "teams",
            url:
                "https://prod-00.westus.logic.azure.com:443/workflows/8f2c4e1a9b7d4c3e/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SECRETsig0123456789abcdef",
            secrets: ["8f2c4e1a9b7d4c3e", "SECRETsig0123456789abcdef", "sig="],
            shown: "https://prod-00.westus.logic.azure.com:443"),
        .init(
            kind: "teams (power platform)", format: "teams",
            url:
                "https://default72f988bf86f141af91ab2d7cd011db.47.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/3c1d2e4f5a6b/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=PPsig-0123456789",
            secrets: ["3c1d2e4f5a6b", "PPsig-0123456789"],
            shown: "https://default72f988bf86f141af91ab2d7cd011db.47.environment.api.powerplatform.com:443"),
        .init(
            kind: "googlechat", format: "googlechat",
            url:
                "https://chat.googleapis.com/v1/spaces/AAAAbbbbCCC/messages?key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&token=tok3n_Secret%3D",
            secrets: ["AAAAbbbbCCC", "AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI", "tok3n_Secret"],
            shown: "https://chat.googleapis.com"),
        .init(
            kind: "mattermost", format: "mattermost", url: "https://chat.example.org/hooks/xjq8c7n3mbyq5ecgr9q4brf3hr",
            secrets: ["xjq8c7n3mbyq5ecgr9q4brf3hr"], shown: "https://chat.example.org"),
        .init(
            kind: "generic", format: "generic", url: "https://receiver.example.org/hooks/concertd/0b7c6d5e4f3a",
            secrets: ["0b7c6d5e4f3a"], shown: "https://receiver.example.org"),
    ]

    @Test(arguments: shapes)
    func everyChannelKindsWebhookURLIsShownWithoutItsToken(shape: WebhookShape) {
        let masked = SecretRedactor.mask(url: shape.url)
        #expect(masked.hasPrefix(shape.shown + "/") || masked.hasPrefix(shape.shown + "?") || masked == shape.shown)
        #expect(masked == WebhookURL.masked(shape.url))  // one masking rule, not two
        for secret in shape.secrets {
            #expect(!masked.contains(secret), "\(masked) shows \(secret)")
        }
    }

    @Test(arguments: shapes)
    func aWebhookURLEchoedInAnErrorMessageIsMasked(shape: WebhookShape) {
        let redactor = SecretRedactor()
        let error = "curl: (28) Operation timed out after 30000 milliseconds for \(shape.url)."
        let redacted = redactor.redact(error)
        #expect(redacted.hasPrefix("curl: (28) Operation timed out after 30000 milliseconds for \(shape.shown)"))
        #expect(redacted.hasSuffix("."))
        for secret in shape.secrets {
            #expect(!redacted.contains(secret), "\(redacted) shows \(secret)")
        }
    }

    @Test(arguments: shapes)
    func aWebhookChannelIsListedWithoutItsTokenOrSigningSecret(shape: WebhookShape) {
        let signing = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let channel = ChannelAddress.webhook(url: shape.url, format: "generic", secret: signing)
        let shown = channel.redactedDescription
        #expect(shown.hasPrefix("generic \(shape.shown)"))
        for secret in shape.secrets + [signing, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] {
            #expect(!shown.contains(secret))
        }
        // A message that quotes the channel's parts in pieces is scrubbed as well.
        let pieces = "sent with \(signing) to \(shape.url.replacingOccurrences(of: "https://", with: ""))"
        let redacted = SecretRedactor().redact(pieces, alsoHiding: channel.secrets)
        #expect(!redacted.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let token = shape.secrets.max { $0.count < $1.count }!
        #expect(!redacted.contains(token), "\(redacted) shows \(token)")
    }

    @Test func anEmailChannelIsShownAsItsAddress() {
        #expect(ChannelAddress.email("citizen@example.org").redactedDescription == "citizen@example.org")
        #expect(ChannelAddress.email("citizen@example.org").secrets.isEmpty)
    }

    @Test func theSMTPPasswordInAURLIsMaskedAndTheUserKept() {
        #expect(
            SecretRedactor.mask(url: "smtp://mailer:hunter2@mail.example.org:587")
                == "smtp://mailer:<redacted>@mail.example.org:587")
        #expect(SecretRedactor.mask(url: "smtps://mailer@mail.example.org") == "smtps://mailer@mail.example.org")
        let text = "Login denied (535) at smtp://me%40x.org:p%40ss@mail.example.org:465/"
        #expect(
            SecretRedactor().redact(text) == "Login denied (535) at smtp://me%40x.org:<redacted>@mail.example.org:465")
    }

    /// A PostgreSQL URL is shown as the journal, `status` and `check-config` name the store:
    /// `postgresql://host:port/name`, with no user, no password (refused in database_url, but an
    /// error may quote one) and no query.
    @Test func aPostgreSQLURLIsShownAsHostPortAndDatabase() {
        #expect(
            SecretRedactor.mask(url: "postgresql://concertd@db.example.org:5433/concertd?sslmode=require")
                == "postgresql://db.example.org:5433/concertd")
        #expect(
            SecretRedactor.mask(url: "postgres://mover:hunter2@db.example.org/concertd")
                == "postgresql://db.example.org:5432/concertd")
        #expect(SecretRedactor.mask(url: "postgresql://[::1]:6543/store") == "postgresql://[::1]:6543/store")
        #expect(
            SecretRedactor.mask(url: "postgresql://concertd@%2Frun%2Fpostgresql/concertd")
                == "postgresql://%2Frun%2Fpostgresql:5432/concertd")
        let text = "cannot connect to PostgreSQL at postgresql://me:s3cret-pw@127.0.0.1:40261/db_17: refused"
        #expect(
            SecretRedactor().redact(text)
                == "cannot connect to PostgreSQL at postgresql://127.0.0.1:40261/db_17: refused")
    }

    @Test func knownSecretsAreScrubbedFromFreeTextAlsoPercentEncoded() {
        let redactor = SecretRedactor(knownSecrets: ["p@ss word!"])
        #expect(redactor.redact("AUTH PLAIN p@ss word! rejected") == "AUTH PLAIN <redacted> rejected")
        #expect(redactor.redact("retrying with p@ss%20word!") == "retrying with <redacted>")
        #expect(SecretRedactor(knownSecrets: [""]).knownSecrets.isEmpty)
        #expect(redactor.redact("basic auth failed") == "basic auth failed")
    }

    @Test func secretsRecognisableByTheirShapeAreMasked() {
        let redactor = SecretRedactor()
        #expect(redactor.redact("secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw= rotated") == "secret whsec_*** rotated")
        #expect(redactor.redact("token 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw") == "token <redacted>")
        #expect(redactor.redact("Authorization: Bearer abc.def-123") == "Authorization: Bearer ***")
        #expect(redactor.redact("path?api-version=1&sig=abc123&x=1") == "path?api-version=1&sig=***&x=1")
        #expect(
            redactor.redact("nothing secret here: 3 attempts, HTTP 503") == "nothing secret here: 3 attempts, HTTP 503")
    }

    @Test func aWebhookURLsPathQueryAndTokensAreHiddenWhereverTheyAreQuoted() {
        let url = "https://hooks.slack.com/services/T000/B000/XXXXSECRET0?token=abc123"
        let redacted = SecretRedactor(knownSecrets: [url]).redact(
            "Failed on \(url) at /services/T000/B000/XXXXSECRET0 or token=abc123, Cannot POST /services/T000/B000/XXXXSECRET0"
        )
        #expect(!redacted.contains("XXXXSECRET0"))
        #expect(!redacted.contains("abc123"))
        #expect(!redacted.contains("/services/T000"))
        #expect(redacted.hasPrefix("Failed on https://hooks.slack.com/services/***"))
        #expect(redacted.hasSuffix("Cannot POST <redacted>"))
    }

    @Test func aPasswordIsHiddenAndNothingElse() {
        #expect(
            SecretRedactor(knownSecrets: ["hunter22"]).redact("login hunter22 refused") == "login <redacted> refused")
        #expect(SecretRedactor(knownSecrets: []).redact("nothing") == "nothing")
    }

    /// A receiver may echo what it was sent escaped for JSON or HTML, percent-encoded, or decoded.
    @Test(arguments: [
        ("as sent", "Cannot POST /hooks/T0AAAAAAA/B0BBBBBBB/Zx9TOKENq8?sig=a%2Fb%3D"),
        ("JSON", #"{"error":"Cannot POST \/hooks\/T0AAAAAAA\/B0BBBBBBB\/Zx9TOKENq8?sig=a%2Fb%3D"}"#),
        ("JSON \\u", #"Cannot POST \u002fhooks\u002FT0AAAAAAA\u002fB0BBBBBBB\u002fZx9TOKENq8"#),
        ("percent", "Cannot%20POST%20%2Fhooks%2FT0AAAAAAA%2FB0BBBBBBB%2FZx9TOKENq8%3Fsig%3Da%252Fb%253D"),
        ("percent, lower case", "cannot post %2fhooks%2fT0AAAAAAA%2fB0BBBBBBB%2fZx9TOKENq8%3fsig%3da%252fb%253d"),
        ("percent twice", "Cannot POST %252Fhooks%252FT0AAAAAAA%252FB0BBBBBBB%252FZx9TOKENq8"),
        ("decoded", "Cannot POST /hooks/T0AAAAAAA/B0BBBBBBB/Zx9TOKENq8?sig=a/b="),
        ("lower-cased", "cannot post /hooks/t0aaaaaaa/b0bbbbbbb/zx9tokenq8?sig=a%2fb%3d"),
        ("HTML", "Cannot POST &#x2F;hooks&#x2F;T0AAAAAAA&#47;B0BBBBBBB&sol;Zx9TOKENq8?sig=a%2Fb%3D"),
        ("HTML everywhere", "&#90;&#x78;9TOKENq8 and &#x54;0AAAAAAA"),
        ("whole URL escaped", #"url: "https:\/\/hooks.example.org\/hooks\/T0AAAAAAA\/B0BBBBBBB\/Zx9TOKENq8""#),
    ])
    func aKnownURLIsHiddenInEveryFormAReceiverMayEchoIt(form: String, echo: String) {
        let url = "https://hooks.example.org/hooks/T0AAAAAAA/B0BBBBBBB/Zx9TOKENq8?sig=a%2Fb%3D"
        let redacted = SecretRedactor(knownSecrets: [url]).redact(echo)
        for secret in ["T0AAAAAAA", "B0BBBBBBB", "Zx9TOKENq8", "TOKENq8", "a%2Fb", "a/b", "hooks%2FT0", "hooks/T0"] {
            #expect(!redacted.lowercased().contains(secret.lowercased()), "\(form): \(redacted)")
        }
        #expect(redacted.contains(Secret.placeholder), "\(form): \(redacted)")
    }

    @Test func aSigningSecretIsHiddenWithAndWithoutItsPrefixInEveryForm() {
        let secret = "whsec_C2FnZS+/c2VjcmV0LWtleS0xMjM0NTY3OA=="
        let key = "C2FnZS+/c2VjcmV0LWtleS0xMjM0NTY3OA=="
        let redactor = SecretRedactor().hiding([secret])
        let echoes = [
            "bad secret \(secret)", "key \(key) refused", "key C2FnZS%2B%2Fc2VjcmV0LWtleS0xMjM0NTY3OA%3D%3D refused",
            #"{"key":"C2FnZS+\/c2VjcmV0LWtleS0xMjM0NTY3OA=="}"#, "key=C2FnZS+/c2VjcmV0LWtleS0xMjM0NTY3OA== x",
        ]
        for echo in echoes {
            let redacted = redactor.redact(echo)
            #expect(!redacted.contains("c2VjcmV0LWtleS0xMjM0NTY3OA"), "\(echo) → \(redacted)")
        }
    }

    /// A quote cut at a length limit may end inside a secret: the start it shows is masked too.
    @Test func aTextEndingPartWayIntoASecretHidesTheStartItShows() {
        let redactor = SecretRedactor(knownSecrets: [
            "https://hooks.example.org/services/T0AAAAAAA/XXXXXXXXXXXXXXXXXXXXXXXX"
        ])
        #expect(
            redactor.redact("Cannot POST /services/T0AAAAAAA/XXXXXXXXXXXX")
                == "Cannot POST /services/<redacted>/<redacted>")
        #expect(
            redactor.redact("Cannot POST %2Fservices%2FT0AAAAAAA%2FXXXXXXX")
                == "Cannot POST %2Fservices%2F<redacted>%2F<redacted>")
        #expect(SecretRedactor(knownSecrets: ["hunter2-smtp"]).redact("AUTH hunter2") == "AUTH <redacted>")
        // Three characters are not enough to tell.
        #expect(SecretRedactor(knownSecrets: ["hunter2-smtp"]).redact("AUTH hun") == "AUTH hun")
        // The start of a URL or path is not secret: only its tokens are.
        #expect(redactor.redact("see https") == "see https")
        #expect(redactor.redact("Cannot POST /serv") == "Cannot POST /serv")
    }

    @Test func ordinaryTextNearAKnownSecretIsKept() {
        let redactor = SecretRedactor(knownSecrets: ["https://hooks.example.org/hooks/T0AAAAAAA/Zx9TOKENq8"])
        let text = "HTTP 404: not found (100% sure & 50%2 + \\u12 &#;)"
        #expect(redactor.redact(text) == text)
    }

    @Test func textWithoutAURLIsLeftAlone() {
        let redactor = SecretRedactor()
        #expect(redactor.redact("a :// b") == "a :// b")
        #expect(redactor.redact("") == "")
    }

    /// `WebhookURL.masked` keeps the first path segment when it is 12 characters or fewer, so a
    /// URL whose only segment is its secret shows it (an ntfy topic, a home-made receiver).
    /// None of the chat services above has that shape.
    @Test func aSecretThatIsTheOnlyShortPathSegmentIsNotShown() {
        #expect(!SecretRedactor.mask(url: "https://ntfy.sh/k7s9Xq2mZp4w").contains("k7s9Xq2mZp4w"))
        #expect(WebhookURL.masked("https://ntfy.sh/k7s9Xq2mZp4w") == "https://ntfy.sh/***")
    }
}

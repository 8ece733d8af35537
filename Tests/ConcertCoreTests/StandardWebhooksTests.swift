import Foundation
import Testing

@testable import ConcertCore

@Suite struct StandardWebhooksTests {
    /// `test_sign_function` of the specification's Python library (standard-webhooks/standard-webhooks).
    @Test func signatureMatchesTheSpecificationsReferenceVector() throws {
        let signature = try StandardWebhooks.signature(
            id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Data(#"{"test": 2432232314}"#.utf8),
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    /// RFC 4231 test cases 2 (a short key) and 6 (a key longer than SHA-256's 64-byte block).
    @Test(arguments: [
        (
            Data("Jefe".utf8), "what do ya want for nothing?",
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            Data(repeating: 0xAA, count: 131), "Test Using Larger Than Block-Size Key - Hash Key First",
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
    ])
    func hmacMatchesRFC4231(key: Data, text: String, expected: String) {
        let mac = StandardWebhooks.hmacSHA256(key: key, data: Data(text.utf8))
        #expect(mac.map { String(format: "%02x", $0) }.joined() == expected)
    }

    @Test func secretWithoutPrefixOrPaddingSignsLikeTheReferenceLibraries() throws {
        let body = Data("{}".utf8)
        let withPrefix = try StandardWebhooks.signature(
            id: "a", timestamp: 1, body: body, secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let without = try StandardWebhooks.signature(
            id: "a", timestamp: 1, body: body, secret: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(withPrefix == without)
        let key = Data((1...32).map { UInt8($0) }).base64EncodedString()
        #expect(key.hasSuffix("="))
        let padded = try StandardWebhooks.signature(id: "a", timestamp: 1, body: body, secret: "whsec_" + key)
        let unpadded = try StandardWebhooks.signature(
            id: "a", timestamp: 1, body: body, secret: "whsec_" + key.trimmingCharacters(in: ["="]))
        #expect(padded == unpadded)
    }

    /// Every generic request of the goldens (Korean and English), re-signed with the current time, is
    /// accepted by the `standardwebhooks` package from PyPI; the same request with one byte changed is not.
    @Test func pythonStandardWebhooksVerifiesGenericRequests() throws {
        var cases: [[String: String]] = []
        for kind in Delivery.Kind.allCases {
            for language in Language.allCases {
                let message = MessageFixtures.message(kind: kind, language: language)
                let request = try GenericWebhook().request(
                    for: WebhookInput(
                        message: message, rendered: MessageRenderer().render(message),
                        url: MessageFixtures.urls["generic"]!, secret: MessageFixtures.secret, attemptTime: Date()))
                cases.append(Self.pythonCase(request, secret: MessageFixtures.secret, expect: "ok"))
                var tampered = request
                tampered.body[tampered.body.count - 2] ^= 0x01
                cases.append(Self.pythonCase(tampered, secret: MessageFixtures.secret, expect: "rejected"))
            }
        }
        let generated = StandardWebhooks.generateSecret()
        let message = MessageFixtures.message(kind: .reminder, language: .ko)
        let request = try GenericWebhook().request(
            for: WebhookInput(
                message: message, rendered: MessageRenderer().render(message), url: "https://example.org/hook",
                secret: generated, attemptTime: Date()))
        cases.append(Self.pythonCase(request, secret: generated, expect: "ok"))

        let output = try PythonPeer.run(Self.verifier, input: try JSONSerialization.data(withJSONObject: cases))
        try #require(
            output.status == 0,
            "python3 with standardwebhooks failed (install it: scripts/ensure-deps.sh test): \(output.stderr)")
        let results = output.stdout.split(separator: "\n").map(String.init)
        #expect(results == cases.map { $0["expect"]! })
    }

    @Test func generatedSecretsAreWhsecBase64Of32FreshRandomBytes() throws {
        let first = StandardWebhooks.generateSecret()
        let second = StandardWebhooks.generateSecret()
        #expect(first.hasPrefix("whsec_"))
        #expect(Data(base64Encoded: String(first.dropFirst(6)))?.count == 32)
        #expect(first != second)
        #expect(StandardWebhooks.problem(withSecret: first) == nil)
        #expect(Data(base64Encoded: String(StandardWebhooks.generateSecret(byteCount: 64).dropFirst(6)))?.count == 64)
    }

    @Test func unusableSecretsAreRefusedWithoutQuotingThem() {
        let tooShort = "whsec_" + Data(repeating: 7, count: 16).base64EncodedString()
        let notBase64 = "whsec_this is not base64!"
        for secret in [tooShort, notBase64, "whsec_" + Data(repeating: 1, count: 65).base64EncodedString()] {
            let problem = StandardWebhooks.problem(withSecret: secret)
            #expect(problem != nil)
            #expect(!(problem ?? "").contains(String(secret.dropFirst(6))))
        }
        #expect(StandardWebhooks.problem(withSecret: tooShort)?.contains("16 bytes") == true)
    }

    @Test func genericWebhookWithoutSecretIsRefused() {
        let message = MessageFixtures.message(kind: .reminder, language: .ko)
        #expect {
            try GenericWebhook().request(
                for: WebhookInput(
                    message: message, rendered: MessageRenderer().render(message), url: "https://example.org/hook",
                    secret: nil, attemptTime: Date()))
        } throws: { error in
            (error as? WebhookFormatError)?.code == "missing_secret"
        }
    }

    static func pythonCase(_ request: HTTPRequest, secret: String, expect: String) -> [String: String] {
        [
            "secret": secret,
            "id": request.header("webhook-id") ?? "",
            "timestamp": request.header("webhook-timestamp") ?? "",
            "signature": request.header("webhook-signature") ?? "",
            "body": request.body.base64EncodedString(),
            "expect": expect,
        ]
    }

    /// Verifies each case with `standardwebhooks.Webhook.verify` and prints `ok` or `rejected` per case.
    static let verifier = """
        import base64, json, sys
        from standardwebhooks.webhooks import Webhook, WebhookVerificationError
        for case in json.load(sys.stdin):
            headers = {"webhook-id": case["id"], "webhook-timestamp": case["timestamp"],
                       "webhook-signature": case["signature"]}
            try:
                Webhook(case["secret"]).verify(base64.b64decode(case["body"]), headers)
                print("ok")
            except WebhookVerificationError:
                print("rejected")
        """
}

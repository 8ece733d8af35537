/// Microsoft Teams through a Workflows (Power Automate) webhook: a message with one Adaptive Card.
///
/// `{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive",
/// "contentUrl":null,"content":{AdaptiveCard 1.4}}]}`, the shape Microsoft documents for cards sent
/// to incoming webhooks and that the "Send webhook alerts to a channel" workflow posts. The card
/// holds one `TextBlock` for the subject (bold) and one per line of the body, all wrapping: a
/// `TextBlock` does not reliably break lines at `\n`. The subscriber's links come last, in a block of
/// their own, as Markdown `[words](url)`, which a `TextBlock` reads.
public struct TeamsWebhook: WebhookFormat {
    public let name = "teams"

    public init() {}

    public func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
        .chatJSON(Self.card(for: input.rendered, links: input.links), for: input)
    }

    static func card(for message: RenderedMessage, links: SubscriberLinks? = nil) -> WebhookJSON {
        var blocks: [WebhookJSON] = [
            .object([
                ("type", .string("TextBlock")),
                ("text", .string(message.subject)),
                ("weight", .string("Bolder")),
                ("size", .string("Medium")),
                ("wrap", .bool(true)),
            ])
        ]
        var startsParagraph = true
        for line in message.body.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty {
                startsParagraph = true
                continue
            }
            var block: [(key: String, value: WebhookJSON)] = [
                ("type", .string("TextBlock")), ("text", .string(String(line))), ("wrap", .bool(true)),
            ]
            if startsParagraph { block.append(("spacing", .string("Medium"))) }
            startsParagraph = false
            blocks.append(.object(block))
        }
        if let links {
            blocks.append(
                .object([
                    ("type", .string("TextBlock")),
                    ("text", .string(links.chatLinks(.markdown, language: message.language))),
                    ("wrap", .bool(true)), ("spacing", .string("Medium")),
                ]))
        }
        return .object([
            ("type", .string("message")),
            (
                "attachments",
                .array([
                    .object([
                        ("contentType", .string("application/vnd.microsoft.card.adaptive")),
                        ("contentUrl", .null),
                        (
                            "content",
                            .object([
                                ("$schema", .string("http://adaptivecards.io/schemas/adaptive-card.json")),
                                ("type", .string("AdaptiveCard")),
                                ("version", .string("1.4")),
                                ("body", .array(blocks)),
                            ])
                        ),
                    ])
                ])
            ),
        ])
    }
}

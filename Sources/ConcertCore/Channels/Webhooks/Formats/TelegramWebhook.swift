import Foundation

/// Telegram Bot API `sendMessage`, subscribed as `https://api.telegram.org/bot<token>/sendMessage?chat_id=<id>`.
///
/// The request goes to the URL without its query; the body carries `chat_id` (a number, or a string
/// such as `@channel`), `message_thread_id` when the URL names a forum topic, and `text` (plain, no
/// `parse_mode`), cut to Telegram's 4,096 characters before the subscriber's links (`words: url` lines, which Telegram links). The bot token stays in the path, where the API
/// expects it; errors show the URL masked.
public struct TelegramWebhook: WebhookFormat {
    public let name = "telegram"
    static let maxText = 4096
    static let allowedParameters: Set<String> = ["chat_id", "message_thread_id"]

    public init() {}

    public func problem(withURL url: String) -> String? {
        switch Self.parse(url) {
        case .success: nil
        case .failure(let reason): reason.reason
        }
    }

    public func request(for input: WebhookInput) throws(WebhookFormatError) -> HTTPRequest {
        let target: Target
        switch Self.parse(input.url) {
        case .success(let parsed): target = parsed
        case .failure(let problem): throw .invalidURL(input.url, reason: problem.reason)
        }
        var body: [(key: String, value: WebhookJSON)] = [("chat_id", Self.identifier(target.chatID))]
        if let thread = target.threadID { body.append(("message_thread_id", Self.identifier(thread))) }
        body.append(("text", .string(input.textWithLinks(.plain, maxUTF16: Self.maxText))))
        return .chatJSON(.object(body), for: input, url: target.postURL)
    }

    struct Target {
        var postURL: String
        var chatID: String
        var threadID: String?
    }

    struct Problem: Error {
        var reason: String
    }

    static func parse(_ url: String) -> Result<Target, Problem> {
        let form = "subscribe https://api.telegram.org/bot<token>/sendMessage?chat_id=<chat id>"
        guard var components = URLComponents(string: url), components.path.hasSuffix("/sendMessage") else {
            return .failure(Problem(reason: "the path must end in /sendMessage: \(form)"))
        }
        let items = components.queryItems ?? []
        guard let chatID = items.first(where: { $0.name == "chat_id" })?.value, !chatID.isEmpty else {
            return .failure(Problem(reason: "the URL names no chat_id: \(form)"))
        }
        if let unknown = items.first(where: { !allowedParameters.contains($0.name) }) {
            return .failure(
                Problem(
                    reason:
                        "the query parameter '\(unknown.name.prefix(40))' is not supported (only chat_id and message_thread_id)"
                ))
        }
        let threadID = items.first(where: { $0.name == "message_thread_id" })?.value
        components.query = nil
        components.fragment = nil
        guard let postURL = components.string else { return .failure(Problem(reason: "not a URL")) }
        return .success(Target(postURL: postURL, chatID: chatID, threadID: threadID))
    }

    /// A number when the id is one (`-1001234567890`), else a string (`@channelname`).
    private static func identifier(_ text: String) -> WebhookJSON {
        Int64(text).map(WebhookJSON.int) ?? .string(text)
    }
}

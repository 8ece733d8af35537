/// How a chat service writes a link with words in a message's text.
enum ChatLinkSyntax {
    /// `<url|words>`: Slack's `mrkdwn` and Google Chat's own markup.
    case angleBrackets
    /// `[words](url)`: Markdown, as Discord, Mattermost, Teams' Adaptive Cards and Dooray! read it.
    case markdown
    /// `[[words]](url)`: JANDI's link markup.
    case jandi
    /// `words: url` on a line of its own, for services that show text as it is and link bare URLs
    /// (Telegram without `parse_mode`, Kakao Work's `text`).
    case plain
}

extension SubscriberLinks {
    /// The end of a chat message: a blank line, then the unsubscribe and manage links in
    /// `syntax`, in `language`. The URLs are the front door's own (base URL and a base64url
    /// token), so none of them holds a character that the syntax would read as markup.
    func chatFooter(_ syntax: ChatLinkSyntax, language: Language) -> String {
        "\n\n" + chatLinks(syntax, language: language)
    }

    /// The two links without the blank line before them, for formats that place them apart.
    func chatLinks(_ syntax: ChatLinkSyntax, language: Language) -> String {
        let (unsubscribe, manage) = Self.labels(language)
        switch syntax {
        case .angleBrackets: return "<\(unsubscribeURL)|\(unsubscribe)> · <\(manageURL)|\(manage)>"
        case .markdown: return "[\(unsubscribe)](\(unsubscribeURL)) · [\(manage)](\(manageURL))"
        case .jandi: return "[[\(unsubscribe)]](\(unsubscribeURL)) · [[\(manage)]](\(manageURL))"
        case .plain: return "\(unsubscribe): \(unsubscribeURL)\n\(manage): \(manageURL)"
        }
    }
}

extension WebhookInput {
    /// The rendered text followed by the subscription's links in `syntax` when it has them, cut
    /// (before the links, which are always whole) to `maxUTF16` and `maxUTF8`.
    func textWithLinks(_ syntax: ChatLinkSyntax, maxUTF16: Int = .max, maxUTF8: Int = .max) -> String {
        guard let links else { return TextLimit.truncate(rendered.text, maxUTF16: maxUTF16, maxUTF8: maxUTF8) }
        let footer = links.chatFooter(syntax, language: rendered.language)
        let room16 = maxUTF16 == .max ? .max : maxUTF16 - footer.utf16.count
        let room8 = maxUTF8 == .max ? .max : maxUTF8 - footer.utf8.count
        return TextLimit.truncate(rendered.text, maxUTF16: room16, maxUTF8: room8) + footer
    }
}

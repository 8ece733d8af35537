import Foundation

extension EmailContent {
    /// This content with the footer's links after the text and the HTML, in `language`: added by
    /// the builder, so templates an operator edited still carry them.
    func ending(with footer: SubscriberLinks, language: Language) -> EmailContent {
        let (unsubscribe, manage) = SubscriberLinks.labels(language)
        var copy = self
        copy.body += "\n\n-- \n\(unsubscribe): \(footer.unsubscribeURL)\n\(manage): \(footer.manageURL)\n"
        let links =
            "<hr><p><a href=\"\(footer.unsubscribeURL)\">\(unsubscribe)</a> · "
            + "<a href=\"\(footer.manageURL)\">\(manage)</a></p>"
        if let close = copy.html.range(of: "</body>", options: [.caseInsensitive, .backwards]) {
            copy.html.insert(contentsOf: links + "\n", at: close.lowerBound)
        } else {
            copy.html += "\n" + links
        }
        return copy
    }
}

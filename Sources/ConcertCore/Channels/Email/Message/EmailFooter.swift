/// The links every email ends with when the web front door is on: unsubscribe and manage.
struct EmailFooter: Sendable, Hashable {
    var unsubscribeURL: String
    var manageURL: String
}
